using AutoLynx.Data;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Campaigns;

/// <summary>
/// On PostgreSQL every statement that changes contacts or calls appends its net change to <c>campaign_counts</c>
/// (<see cref="CampaignCountTriggers"/>); this folds each key's rows into one every <see cref="Every"/>, so a summary
/// sums a few dozen rows. Reads are exact before and after a pass (the fold is one statement). Safe on several
/// instances at once. SQLite's triggers keep one row per key, so there is nothing to do there.
/// </summary>
public sealed class CampaignCountCompactor(IDbContextFactory<AppDbContext> dbs, IHostApplicationLifetime lifetime, ILogger<CampaignCountCompactor> logger)
    : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using (var probe = await dbs.CreateDbContextAsync(stoppingToken))
            if (!probe.Database.IsNpgsql()) return;
        // Start-up migrates the database first (the table may not exist before).
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled()))
        {
            try { await started.Task; }
            catch (OperationCanceledException) { return; }
        }
        using var timer = new PeriodicTimer(Every);
        try
        {
            do
            {
                try { await CompactAsync(stoppingToken); }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Folding the campaign counts failed; trying again in {Delay}", Every);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    /// <summary>One pass; returns the rows written (one per folded key).</summary>
    public async Task<int> CompactAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return db.Database.IsNpgsql() ? await db.Database.ExecuteSqlRawAsync(CampaignCountTriggers.Postgres.Compact, ct) : 0;
    }
}
