using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutoLynx.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Compliance : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "daily_cap",
                table: "phone_lines",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "end_at",
                table: "campaigns",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "policy_json",
                table: "campaigns",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "start_at",
                table: "campaigns",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_contacts_phone",
                table: "contacts",
                column: "phone");

            migrationBuilder.CreateIndex(
                name: "ix_campaigns_status_start_at",
                table: "campaigns",
                columns: new[] { "status", "start_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_contacts_phone",
                table: "contacts");

            migrationBuilder.DropIndex(
                name: "ix_campaigns_status_start_at",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "daily_cap",
                table: "phone_lines");

            migrationBuilder.DropColumn(
                name: "end_at",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "policy_json",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "start_at",
                table: "campaigns");
        }
    }
}
