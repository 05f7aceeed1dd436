using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace AutoLynx.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DemoMarkersAndImportMappings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "extension",
                table: "contacts",
                type: "character varying(10)",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "phone_source",
                table: "contacts",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "demo_markers",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_demo_markers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "import_mappings",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    user_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    header_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    headers_json = table.Column<string>(type: "text", nullable: false),
                    mapping_json = table.Column<string>(type: "text", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_import_mappings", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_import_mappings_user_id_header_key",
                table: "import_mappings",
                columns: new[] { "user_id", "header_key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "demo_markers");

            migrationBuilder.DropTable(
                name: "import_mappings");

            migrationBuilder.DropColumn(
                name: "extension",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "phone_source",
                table: "contacts");
        }
    }
}
