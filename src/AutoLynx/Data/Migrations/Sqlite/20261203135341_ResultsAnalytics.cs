using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutoLynx.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ResultsAnalytics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "time_zone",
                table: "contacts",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "call_stats",
                columns: table => new
                {
                    campaign_id = table.Column<long>(type: "INTEGER", nullable: false),
                    hour = table.Column<DateTime>(type: "TEXT", nullable: false),
                    phone_line_id = table.Column<long>(type: "INTEGER", nullable: false),
                    local_hour = table.Column<int>(type: "INTEGER", nullable: false),
                    outcome = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    calls = table.Column<int>(type: "INTEGER", nullable: false),
                    dialed = table.Column<int>(type: "INTEGER", nullable: false),
                    cost = table.Column<double>(type: "REAL", nullable: false),
                    evaluated = table.Column<int>(type: "INTEGER", nullable: false),
                    succeeded = table.Column<int>(type: "INTEGER", nullable: false),
                    durations = table.Column<string>(type: "TEXT", nullable: true),
                    reasons = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_call_stats", x => new { x.campaign_id, x.hour, x.phone_line_id, x.local_hour, x.outcome });
                });

            migrationBuilder.CreateTable(
                name: "call_stats_changes",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    campaign_id = table.Column<long>(type: "INTEGER", nullable: false),
                    hour = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_call_stats_changes", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_contacts_campaign_id_row_number",
                table: "contacts",
                columns: new[] { "campaign_id", "row_number" });

            migrationBuilder.CreateIndex(
                name: "ix_calls_campaign_id_created_at",
                table: "calls",
                columns: new[] { "campaign_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_calls_phone_line_id_created_at",
                table: "calls",
                columns: new[] { "phone_line_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_call_stats_hour",
                table: "call_stats",
                column: "hour");

            // Not generated: the triggers that feed the analytics rollup, and the hours that already have calls.
            // Re-add these two lines if this migration is re-created.
            migrationBuilder.Sql(AutoLynx.Features.Analytics.CallStatsTriggers.Sqlite.Install);
            migrationBuilder.Sql(AutoLynx.Features.Analytics.CallStatsTriggers.Sqlite.Backfill);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(AutoLynx.Features.Analytics.CallStatsTriggers.Sqlite.Drop);

            migrationBuilder.DropTable(
                name: "call_stats");

            migrationBuilder.DropTable(
                name: "call_stats_changes");

            migrationBuilder.DropIndex(
                name: "ix_contacts_campaign_id_row_number",
                table: "contacts");

            migrationBuilder.DropIndex(
                name: "ix_calls_campaign_id_created_at",
                table: "calls");

            migrationBuilder.DropIndex(
                name: "ix_calls_phone_line_id_created_at",
                table: "calls");

            migrationBuilder.DropColumn(
                name: "time_zone",
                table: "contacts");
        }
    }
}
