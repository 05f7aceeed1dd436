using AutoLynx.Data;
using AutoLynx.Features.Engine;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Calls;

/// <summary>
/// Every few seconds the leader counts the inbox rows not applied yet and the age of the oldest, for the
/// <c>autolynx.inbox.backlog</c> and <c>autolynx.inbox.oldest_age</c> gauges (one indexed query; other instances report 0).
/// </summary>
public sealed class InboxBacklogSampler(IServiceScopeFactory scopes, EngineLease lease, EngineMetrics metrics, TimeProvider time,
    ILogger<InboxBacklogSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!lease.IsLeader)
                {
                    metrics.InboxBacklogSample = (0, 0);
                    continue;
                }
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                    var waiting = db.WebhookInbox.Where(x => x.ProcessedAt == null);
                    var rows = await waiting.LongCountAsync(stoppingToken);
                    var oldest = rows == 0 ? null : await waiting.MinAsync(x => (DateTime?)x.ReceivedAt, stoppingToken);
                    var age = oldest is { } o ? Math.Max(0, (time.GetUtcNow().UtcDateTime - o).TotalSeconds) : 0;
                    metrics.InboxBacklogSample = (rows, age);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogDebug(ex, "Could not sample the webhook inbox");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }
}
