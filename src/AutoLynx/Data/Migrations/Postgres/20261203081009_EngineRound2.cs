using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutoLynx.Data.Migrations.Postgres
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

            migrationBuilder.AlterColumn<string>(
                name: "last_outcome",
                table: "contacts",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "text",
                oldNullable: true);

            migrationBuilder.AddColumn<int>(
                name: "launch_failures",
                table: "contacts",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "reason",
                table: "contacts",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "outcome",
                table: "calls",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "text",
                oldNullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "lookup_after",
                table: "calls",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "lookup_failures",
                table: "calls",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "posted_at",
                table: "calls",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "provider_created",
                table: "calls",
                type: "boolean",
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

            migrationBuilder.AlterColumn<string>(
                name: "last_outcome",
                table: "contacts",
                type: "text",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(32)",
                oldMaxLength: 32,
                oldNullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "failed_at",
                table: "campaigns",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "max_attempts",
                table: "campaigns",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "retry_delay_minutes",
                table: "campaigns",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "retry_on",
                table: "campaigns",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "time_zone",
                table: "campaigns",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<TimeOnly>(
                name: "window_end",
                table: "campaigns",
                type: "time without time zone",
                nullable: true);

            migrationBuilder.AddColumn<TimeOnly>(
                name: "window_start",
                table: "campaigns",
                type: "time without time zone",
                nullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "outcome",
                table: "calls",
                type: "text",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(32)",
                oldMaxLength: 32,
                oldNullable: true);
        }
    }
}
