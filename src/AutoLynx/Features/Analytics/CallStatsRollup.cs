using AutoLynx.Data;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Engine;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Analytics;

/// <summary>
/// Keeps the analytics rollup (<see cref="CallStatsCell"/>) in step with the calls. Database triggers note every change
/// to a call as a (campaign, hour) row in <see cref="CallStatsChange"/>; a pass reads a batch of those, rebuilds the
/// cells of each noted hour from its calls, and in one short transaction replaces the cells and deletes exactly the
/// change rows it read. A change made meanwhile leaves a row of its own for the next pass, a crash leaves the rows for
/// the next start, and a pass that finds its change rows already taken (another instance on the same PostgreSQL got
/// there first) rolls back, so cells are never written from an older reading than the one already stored.
/// </summary>
public sealed class CallStatsRollup(IDbContextFactory<AppDbContext> dbs, SqliteWriteGate gate, ILogger<CallStatsRollup> logger)
{
    /// <summary>Change rows read per pass: a few thousand calls' worth, so each write transaction stays short.</summary>
    public const int BatchSize = 5_000;

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>Runs passes until nothing is left, or <paramref name="maxPasses"/> have run. True when nothing is left.</summary>
    public async Task<bool> CatchUpAsync(int maxPasses, CancellationToken ct)
    {
        await _oneAtATime.WaitAsync(ct);
        try
        {
            for (var i = 0; i < maxPasses; i++)
            {
                var (read, more) = await PassAsync(ct);
                if (read == 0 || !more) return !more && await NothingPendingAsync(ct);
            }
            return await NothingPendingAsync(ct);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<bool> NothingPendingAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return !await db.CallStatsChanges.AnyAsync(ct);
    }

    /// <summary>One batch: how many change rows it read, and whether more may be waiting.</summary>
    private async Task<(int Read, bool More)> PassAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var changes = await db.CallStatsChanges.AsNoTracking().OrderBy(x => x.Id).Take(BatchSize).ToListAsync(ct);
        if (changes.Count == 0) return (0, false);

        var runs = Runs(changes);
        var cells = new List<CallStatsCell>();
        foreach (var run in runs)
        {
            var builder = new CallStatsBuilder();
            await foreach (var row in Rows(db, db.Calls.Where(k => k.CampaignId == run.CampaignId && k.CreatedAt >= run.From && k.CreatedAt < run.To))
                .AsAsyncEnumerable().WithCancellation(ct))
                builder.Add(row);
            cells.AddRange(builder.Cells());
        }

        var ids = changes.Select(x => x.Id).ToList();
        using (await gate.EnterAsync(ct))
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var taken = await db.CallStatsChanges.Where(x => ids.Contains(x.Id)).ExecuteDeleteAsync(ct);
            if (taken != ids.Count)
            {
                // Another pass (another instance) took some of them, and may have stored a newer reading: leave it to that one.
                await tx.RollbackAsync(ct);
                logger.LogDebug("Rollup pass skipped: {Taken} of {Count} change rows already taken", taken, ids.Count);
                return (changes.Count, true);
            }
            foreach (var run in runs)
                await db.CallStats.Where(s => s.CampaignId == run.CampaignId && s.Hour >= run.From && s.Hour < run.To).ExecuteDeleteAsync(ct);
            db.CallStats.AddRange(cells);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        return (changes.Count, changes.Count == BatchSize);
    }

    /// <summary>The noted hours of each campaign as runs of consecutive hours, so each run is one range query.</summary>
    private static List<HourRun> Runs(IEnumerable<CallStatsChange> changes)
    {
        var runs = new List<HourRun>();
        foreach (var campaign in changes.GroupBy(c => c.CampaignId))
        {
            DateTime? start = null, end = null;
            foreach (var hour in campaign.Select(c => CallStatsBuilder.HourOf(c.Hour)).Distinct().Order())
            {
                if (end == hour) { end = hour.AddHours(1); continue; }
                if (start is not null) runs.Add(new HourRun(campaign.Key, start.Value, end!.Value));
                (start, end) = (hour, hour.AddHours(1));
            }
            if (start is not null) runs.Add(new HourRun(campaign.Key, start.Value, end!.Value));
        }
        return runs;
    }

    private sealed record HourRun(long CampaignId, DateTime From, DateTime To);

    /// <summary>What the rollup reads of each call, with its contact's time zone.</summary>
    public static IQueryable<CallStatsRow> Rows(AppDbContext db, IQueryable<Call> calls)
        => from k in calls
           join c in db.Contacts on k.ContactId equals c.Id
           select new CallStatsRow(k.CampaignId, k.CreatedAt, k.PhoneLineId, k.ProviderCallId != null, k.Outcome, k.EndedReason,
               k.Cost, k.DurationSeconds, k.SuccessEvaluation, c.TimeZone);
}
