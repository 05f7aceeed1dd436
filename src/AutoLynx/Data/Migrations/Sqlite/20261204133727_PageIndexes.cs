using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutoLynx.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PageIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_calls_campaign_id_status",
                table: "calls");

            migrationBuilder.CreateIndex(
                name: "ix_contacts_campaign_id_name_row_number",
                table: "contacts",
                columns: new[] { "campaign_id", "name", "row_number" });

            migrationBuilder.CreateIndex(
                name: "ix_contacts_campaign_id_state_last_outcome",
                table: "contacts",
                columns: new[] { "campaign_id", "state", "last_outcome" });

            migrationBuilder.CreateIndex(
                name: "ix_calls_campaign_id_status_outcome_cost_provider_call_id",
                table: "calls",
                columns: new[] { "campaign_id", "status", "outcome", "cost", "provider_call_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_contacts_campaign_id_name_row_number",
                table: "contacts");

            migrationBuilder.DropIndex(
                name: "ix_contacts_campaign_id_state_last_outcome",
                table: "contacts");

            migrationBuilder.DropIndex(
                name: "ix_calls_campaign_id_status_outcome_cost_provider_call_id",
                table: "calls");

            migrationBuilder.CreateIndex(
                name: "ix_calls_campaign_id_status",
                table: "calls",
                columns: new[] { "campaign_id", "status" });
        }
    }
}
