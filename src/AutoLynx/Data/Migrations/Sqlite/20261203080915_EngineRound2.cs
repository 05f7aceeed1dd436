using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutoLynx.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EngineRound2 : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            OutcomeNames.Migrate(migrationBuilder);

            migrationBuilder.DropColumn(
                name: "failed_at",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "max_attempts",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "retry_delay_minutes",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "retry_on",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "time_zone",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "window_end",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "window_start",
                table: "campaigns");

            migrationBuilder.AddColumn<int>(
                name: "launch_failures",
                table: "contacts",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "reason",
                table: "contacts",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "lookup_after",
                table: "calls",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "lookup_failures",
                table: "calls",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "posted_at",
                table: "calls",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "provider_created",
                table: "calls",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "ix_contacts_campaign_id_state_next_attempt_at",
                table: "contacts",
                columns: new[] { "campaign_id", "state", "next_attempt_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_contacts_campaign_id_state_next_attempt_at",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "launch_failures",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "reason",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "lookup_after",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "lookup_failures",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "posted_at",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "provider_created",
                table: "calls");

            migrationBuilder.AddColumn<DateTime>(
                name: "failed_at",
                table: "campaigns",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "max_attempts",
                table: "campaigns",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "retry_delay_minutes",
                table: "campaigns",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "retry_on",
                table: "campaigns",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "time_zone",
                table: "campaigns",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<TimeOnly>(
                name: "window_end",
                table: "campaigns",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<TimeOnly>(
                name: "window_start",
                table: "campaigns",
                type: "TEXT",
                nullable: true);
        }
    }
}
