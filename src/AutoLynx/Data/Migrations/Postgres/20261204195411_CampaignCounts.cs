using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace AutoLynx.Data.Migrations.Postgres
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
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    campaign_id = table.Column<long>(type: "bigint", nullable: false),
                    subject = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    outcome = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    accepted = table.Column<bool>(type: "boolean", nullable: false),
                    n = table.Column<long>(type: "bigint", nullable: false),
                    cost_micros = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_campaign_counts", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_campaign_counts_campaign_id_subject_state_outcome_accepted",
                table: "campaign_counts",
                columns: new[] { "campaign_id", "subject", "state", "outcome", "accepted" });

            migrationBuilder.Sql(AutoLynx.Features.Campaigns.CampaignCountTriggers.Postgres.Install);
            migrationBuilder.Sql(AutoLynx.Features.Campaigns.CampaignCountTriggers.Postgres.Backfill);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(AutoLynx.Features.Campaigns.CampaignCountTriggers.Postgres.Drop);

            migrationBuilder.DropTable(
                name: "campaign_counts");
        }
    }
}
