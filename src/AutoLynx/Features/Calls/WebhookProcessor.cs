using AutoLynx.Data;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Calls;

/// <summary>
/// Applies stored webhooks in arrival order. A row whose call is not known yet (the webhook beat the POST /call
/// answer) is retried with backoff; after <see cref="MaxAttempts"/> it is set aside with the reason.
/// </summary>
public sealed class WebhookProcessor(IServiceScopeFactory scopes, WebhookInboxSignal signal, TimeProvider time, EngineLease lease, ILogger<WebhookProcessor> logger)
    : BackgroundService
{
    public const int MaxAttempts = 40;
    private const int BatchSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await lease.WaitForLeadershipAsync(stoppingToken);
                while (await ProcessBatchAsync(stoppingToken) == BatchSize) { }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception ex)
            {
                logger.LogError(ex, "Webhook processing pass failed; retrying");
            }
            try { await signal.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>Processes due inbox rows, oldest first. Returns how many rows it looked at.</summary>
    public async Task<int> ProcessBatchAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var due = await db.WebhookInbox.AsNoTracking()
            .Where(x => x.ProcessedAt == null && (x.NextAttemptAt == null || x.NextAttemptAt <= now))
            .OrderBy(x => x.Id).Take(BatchSize).Select(x => x.Id).ToListAsync(ct);
        foreach (var id in due)
        {
            await using var rowScope = scopes.CreateAsyncScope();
            var applier = rowScope.ServiceProvider.GetRequiredService<WebhookApplier>();
            try
            {
                await applier.ApplyAsync(id, ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                logger.LogError(ex, "Webhook inbox row {InboxId} failed; will retry", id);
                await using var s = scopes.CreateAsyncScope();
                var d = s.ServiceProvider.GetRequiredService<AppDbContext>();
                var t = time.GetUtcNow().UtcDateTime;
                await d.WebhookInbox.Where(x => x.Id == id).ExecuteUpdateAsync(u => u
                    .SetProperty(x => x.Attempts, x => x.Attempts + 1)
                    .SetProperty(x => x.NextAttemptAt, t.AddSeconds(5))
                    .SetProperty(x => x.ProcessedAt, x => x.Attempts + 1 >= MaxAttempts ? t : null)
                    .SetProperty(x => x.Error, ex.GetType().Name), ct);
            }
        }
        return due.Count;
    }
}
