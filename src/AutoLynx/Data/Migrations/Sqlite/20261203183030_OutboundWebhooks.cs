using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutoLynx.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OutboundWebhooks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "webhook_endpoints",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    url = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    events = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    description = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    protected_secret = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", nullable: true),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    failing_since = table.Column<DateTime>(type: "TEXT", nullable: true),
                    last_success_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    disabled_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    disabled_reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_webhook_endpoints", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "webhook_outbox",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    message_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    endpoint_id = table.Column<long>(type: "INTEGER", nullable: false),
                    event_type = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    campaign_id = table.Column<long>(type: "INTEGER", nullable: true),
                    event_key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    payload = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    next_attempt_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    retry_until = table.Column<DateTime>(type: "TEXT", nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    last_attempt_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    last_response_code = table.Column<int>(type: "INTEGER", nullable: true),
                    last_latency_ms = table.Column<double>(type: "REAL", nullable: true),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    delivered_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_webhook_outbox", x => x.id);
                    table.ForeignKey(
                        name: "fk_webhook_outbox_webhook_endpoints_endpoint_id",
                        column: x => x.endpoint_id,
                        principalTable: "webhook_endpoints",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "webhook_deliveries",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    endpoint_id = table.Column<long>(type: "INTEGER", nullable: false),
                    message_id = table.Column<long>(type: "INTEGER", nullable: false),
                    attempt = table.Column<int>(type: "INTEGER", nullable: false),
                    at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    succeeded = table.Column<bool>(type: "INTEGER", nullable: false),
                    response_code = table.Column<int>(type: "INTEGER", nullable: true),
                    latency_ms = table.Column<double>(type: "REAL", nullable: false),
                    error = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_webhook_deliveries", x => x.id);
                    table.ForeignKey(
                        name: "fk_webhook_deliveries_webhook_outbox_message_id",
                        column: x => x.message_id,
                        principalTable: "webhook_outbox",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_webhook_deliveries_endpoint_id_id",
                table: "webhook_deliveries",
                columns: new[] { "endpoint_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_webhook_deliveries_message_id",
                table: "webhook_deliveries",
                column: "message_id");

            migrationBuilder.CreateIndex(
                name: "ix_webhook_outbox_endpoint_id_campaign_id_status_id",
                table: "webhook_outbox",
                columns: new[] { "endpoint_id", "campaign_id", "status", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_webhook_outbox_endpoint_id_id",
                table: "webhook_outbox",
                columns: new[] { "endpoint_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_webhook_outbox_event_key",
                table: "webhook_outbox",
                column: "event_key");

            migrationBuilder.CreateIndex(
                name: "ix_webhook_outbox_message_id",
                table: "webhook_outbox",
                column: "message_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_webhook_outbox_status_next_attempt_at",
                table: "webhook_outbox",
                columns: new[] { "status", "next_attempt_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "webhook_deliveries");

            migrationBuilder.DropTable(
                name: "webhook_outbox");

            migrationBuilder.DropTable(
                name: "webhook_endpoints");
        }
    }
}
