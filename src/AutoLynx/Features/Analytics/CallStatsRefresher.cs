using AutoLynx.Features.Calls;
using AutoLynx.Features.Engine;

namespace AutoLynx.Features.Analytics;

/// <summary>
/// Folds call changes into the analytics rollup in the background: at start (which also builds the rollup of a history
/// that predates it), a moment after any call changes, and every <see cref="Every"/> regardless. Requests catch up too
/// (<see cref="AnalyticsQueries"/>), so this only keeps their work small.
/// </summary>
public sealed class CallStatsRefresher(CallStatsRollup rollup, CampaignEventHub hub, IHostApplicationLifetime lifetime, ILogger<CallStatsRefresher> logger)
    : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(15);
    /// <summary>A burst of webhooks becomes one pass.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);
    private readonly RollupSignal _signal = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Start-up migrates the database first (the rollup's tables may not exist before).
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled()))
        {
            try { await started.Task; }
            catch (OperationCanceledException) { return; }
        }
        using var sub = hub.Subscribe(null, change =>
        {
            if (change.Kind == ChangeKind.Call) _signal.Wake();
            return Task.CompletedTask;
        });
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await rollup.CatchUpAsync(int.MaxValue, stoppingToken);
                await _signal.WaitAsync(Every, stoppingToken);
                await Task.Delay(Settle, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The database may be away for a moment (a restart, a migration in progress): try again later.
                logger.LogWarning(ex, "Analytics rollup pass failed; trying again in {Delay}", Every);
                try { await Task.Delay(Every, stoppingToken); } catch (OperationCanceledException) { break; }
            }
        }
    }

    private sealed class RollupSignal : WakeSignal;
}
