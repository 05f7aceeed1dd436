using AutoLynx.Data;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Demo;

/// <summary>
/// What a database holds, as far as demo mode is concerned. <b>Demo-only</b> means one of:
/// <list type="bullet">
/// <item><b>fresh</b>: no AutoLynx migration applied yet (a new SQLite file), or migrated but holding no allowlisted person,
/// assistant, phone line or campaign (nothing anyone made);</item>
/// <item><b>marked</b>: it carries the <see cref="DemoMarker"/>, written when a demo-mode run began it fresh, and deleted by every
/// start with a Vapi key (which may write real data: real assistants' ids, real calls).</item>
/// </list>
/// Anything else (a database begun with a key, one marked and later used with a key, or one from before the marker existed
/// that holds data) is not demo-only, and demo mode implied by a missing key refuses to start on it.
/// </summary>
public static class DemoDatabase
{
    /// <summary>Reads without changing anything, before migrations (a refused start leaves the database as it was).</summary>
    public static async Task<DemoDatabaseContents> InspectAsync(AppDbContext db, CancellationToken ct)
    {
        if (!(await db.Database.GetAppliedMigrationsAsync(ct)).Any()) return DemoDatabaseContents.Fresh;
        if (await HasMarkerAsync(db, ct)) return DemoDatabaseContents.DemoOnly;
        var made = await db.Allowlist.AnyAsync(ct) || await db.Assistants.AnyAsync(ct) || await db.PhoneLines.AnyAsync(ct) || await db.Campaigns.AnyAsync(ct);
        return made ? DemoDatabaseContents.Other : DemoDatabaseContents.Fresh;
    }

    /// <summary>After migrations, in demo mode, on a database found fresh: from now on it is demo-only.</summary>
    public static async Task MarkAsync(AppDbContext db, DateTime now, CancellationToken ct)
    {
        if (await db.DemoMarkers.AnyAsync(ct)) return;
        db.DemoMarkers.Add(new DemoMarker { CreatedAt = now });
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException) { /* another instance marked it first */ }
    }

    /// <summary>After migrations, with a Vapi key: the database may now hold real data, so it is demo-only no more.</summary>
    public static Task ForgetAsync(AppDbContext db, CancellationToken ct) => db.DemoMarkers.ExecuteDeleteAsync(ct);

    private static async Task<bool> HasMarkerAsync(AppDbContext db, CancellationToken ct)
    {
        // A database migrated before the marker existed has no such table (and so no marker).
        var table = db.Model.FindEntityType(typeof(DemoMarker))!.GetTableName()!;
        var sql = db.Database.IsSqlite()
            ? "SELECT COUNT(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = {0}"
            : "SELECT COUNT(*)::int AS \"Value\" FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = {0}";
        var exists = await db.Database.SqlQueryRaw<int>(sql, table).SingleAsync(ct) > 0;
        return exists && await db.DemoMarkers.AnyAsync(ct);
    }
}
