using Microsoft.EntityFrameworkCore.Migrations;

namespace AutoLynx.Data.Migrations;

/// <summary>
/// Data step of the EngineRound2 migration, the same on SQLite and PostgreSQL: outcomes became an enum
/// (<c>CallOutcome</c>), so the free-text values stored before map onto its names.
/// </summary>
public static class OutcomeNames
{
    public static void Migrate(MigrationBuilder migrationBuilder)
    {
        foreach (var (table, column) in new[] { ("calls", "outcome"), ("contacts", "last_outcome") })
            migrationBuilder.Sql($"UPDATE {table} SET {column} = 'Unknown' WHERE {column} = 'Ended' OR {column} NOT IN " +
                "('Talked','Forwarded','NoAnswer','Busy','Voicemail','FailedToConnect','ProviderFault','VapiFault','Error','StartFailed','Canceled'," +
                "'ConcurrencyLimited','Unknown','NotPlaced','Rejected','Timeout')");
        migrationBuilder.Sql("UPDATE calls SET outcome = 'Forwarded' WHERE ended_reason = 'assistant-forwarded-call'");
        migrationBuilder.Sql("UPDATE calls SET outcome = 'VapiFault' WHERE outcome = 'Error' AND ended_reason LIKE 'call.in-progress.error-vapifault-%'");
        migrationBuilder.Sql("UPDATE calls SET outcome = 'ProviderFault' WHERE outcome = 'Error' AND (ended_reason LIKE 'call.in-progress.error-providerfault-%' OR ended_reason LIKE 'pipeline-error-%')");
    }
}
