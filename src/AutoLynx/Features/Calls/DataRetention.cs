using System.ComponentModel.DataAnnotations;
using AutoLynx.Data;
using AutoLynx.Features.Engine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Calls;

/// <summary>How long what webhooks brought is kept (section <c>Retention</c>).</summary>
public sealed class RetentionOptions
{
    /// <summary>Applied inbox rows (the raw webhook bodies) are deleted this long after they were applied (0: at the next pass).
    /// Unapplied rows are kept.</summary>
    [Range(0, 24 * 365)]
    public double InboxHours { get; set; } = 24;

    /// <summary>When set, a call's transcript, conversation and recording links are purged this many days after it ended
    /// (outcome, reason, duration, cost, summary and analysis stay). Unset: kept for ever.</summary>
    [Range(1, 36_500)]
    public int? CallContentDays { get; set; }

    /// <summary>How often the purge runs.</summary>
    [Range(0.01, 24 * 60)]
    public double IntervalMinutes { get; set; } = 10;
}

/// <summary>
/// Deletes applied inbox rows past <see cref="RetentionOptions.InboxHours"/> and, when configured, purges call content
/// past <see cref="RetentionOptions.CallContentDays"/>. The leader does it, in batches, so no transaction grows with the
/// history and the engine's writes are never held up for long (on SQLite each batch takes the write gate).
/// </summary>
public sealed class DataRetention(IServiceScopeFactory scopes, IOptionsMonitor<RetentionOptions> options, TimeProvider time, EngineLease lease,
    SqliteWriteGate gate, ILogger<DataRetention> logger) : BackgroundService
{
    private const int Batch = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (lease.IsLeader) await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Retention pass failed; trying again at the next interval");
            }
            try { await Task.Delay(TimeSpan.FromMinutes(options.CurrentValue.IntervalMinutes), time, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>One pass: what it deleted and purged.</summary>
    public async Task<(int InboxRows, int Calls)> RunOnceAsync(CancellationToken ct)
    {
        var o = options.CurrentValue;
        var now = time.GetUtcNow().UtcDateTime;
        var inboxCutoff = now - TimeSpan.FromHours(o.InboxHours);
        var inbox = await InBatchesAsync(db => db.WebhookInbox
            .Where(x => x.ProcessedAt != null && x.ProcessedAt < inboxCutoff).OrderBy(x => x.Id).Take(Batch).ExecuteDeleteAsync(ct), ct);

        var calls = 0;
        if (o.CallContentDays is { } days)
        {
            var contentCutoff = now - TimeSpan.FromDays(days);
            calls = await InBatchesAsync(db => db.Calls
                .Where(c => c.EndedAt != null && c.EndedAt < contentCutoff
                            && (c.Transcript != null || c.MessagesJson != null || c.RecordingUrl != null || c.StereoRecordingUrl != null))
                .OrderBy(c => c.Id).Take(Batch)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Transcript, (string?)null).SetProperty(c => c.MessagesJson, (string?)null)
                    .SetProperty(c => c.RecordingUrl, (string?)null).SetProperty(c => c.StereoRecordingUrl, (string?)null), ct), ct);
        }
        if (inbox > 0 || calls > 0)
            logger.LogInformation("Retention: deleted {InboxRows} applied inbox rows, purged the content of {Calls} calls", inbox, calls);
        return (inbox, calls);
    }

    private async Task<int> InBatchesAsync(Func<AppDbContext, Task<int>> step, CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            int n;
            using (await gate.EnterAsync(ct)) n = await step(db);
            total += n;
            if (n < Batch) return total;
        }
    }
}
