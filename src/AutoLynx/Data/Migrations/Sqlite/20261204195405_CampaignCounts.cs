using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutoLynx.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CampaignCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "campaign_counts",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    campaign_id = table.Column<long>(type: "INTEGER", nullable: false),
                    subject = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    state = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    outcome = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    accepted = table.Column<bool>(type: "INTEGER", nullable: false),
                    n = table.Column<long>(type: "INTEGER", nullable: false),
                    cost_micros = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_campaign_counts", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_campaign_counts_campaign_id_subject_state_outcome_accepted",
                table: "campaign_counts",
                columns: new[] { "campaign_id", "subject", "state", "outcome", "accepted" },
                unique: true);

            migrationBuilder.Sql(AutoLynx.Features.Campaigns.CampaignCountTriggers.Sqlite.Install);
            migrationBuilder.Sql(AutoLynx.Features.Campaigns.CampaignCountTriggers.Sqlite.Backfill);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(AutoLynx.Features.Campaigns.CampaignCountTriggers.Sqlite.Drop);

            migrationBuilder.DropTable(
                name: "campaign_counts");
        }
    }
}
