using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutoLynx.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class WebhookTraceAndHeartbeat : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "trace_parent",
                table: "webhook_inbox",
                type: "character varying(55)",
                maxLength: 55,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "heartbeats",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_heartbeats", x => x.name);
                });

            migrationBuilder.InsertData(
                table: "heartbeats",
                columns: new[] { "name", "at" },
                values: new object[] { "webhook-received", null });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "heartbeats");

            migrationBuilder.DropColumn(
                name: "trace_parent",
                table: "webhook_inbox");
        }
    }
}
