using AutoLynx.Data;
using AutoLynx.Features.Engine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Calls;

/// <summary>What <see cref="WebhookFreshness"/> concluded; <c>Status</c> is ok, idle (no live call to judge by) or stale.</summary>
public sealed record WebhookFreshnessReport(string Status, DateTime? LastReceivedAt, DateTime? LastRejectedAt, int CallsWithoutWebhook, string? Message)
{
    public bool Stale => Status == "stale";
}

/// <summary>
/// Are Vapi's webhooks reaching us? Every accepted webhook stamps this instance's memory; every few seconds the newest
/// stamp is written to the <c>heartbeats</c> row that all instances share, so the answer survives inbox pruning and
/// restarts and holds behind a load balancer. Stale means: a call was placed more than <see cref="VapiOptions.WebhookStaleAfter"/>
/// ago, after the last webhook any instance accepted, and is still live — with a working server URL its own status
/// updates would have arrived within seconds. A long call that is simply in progress does not count: it had its webhooks.
/// </summary>
public sealed class WebhookFreshness(IServiceScopeFactory scopes, SqliteWriteGate gate, TimeProvider time, IOptionsMonitor<VapiOptions> options,
    EngineMetrics metrics, ILogger<WebhookFreshness> logger) : BackgroundService
{
    private long _receivedTicks, _flushedTicks, _rejectedTicks;

    /// <summary>A webhook was verified and stored.</summary>
    public void Received(DateTime at) => Raise(ref _receivedTicks, at.Ticks);

    /// <summary>A webhook failed verification: it reached us, but with the wrong secret or signature.</summary>
    public void Rejected(DateTime at) => Raise(ref _rejectedTicks, at.Ticks);

    private static void Raise(ref long field, long ticks)
    {
        long seen;
        while ((seen = Interlocked.Read(ref field)) < ticks && Interlocked.CompareExchange(ref field, ticks, seen) != seen) { }
    }

    private static DateTime? At(long ticks) => ticks == 0 ? null : new DateTime(ticks, DateTimeKind.Utc);

    /// <summary>The whole installation's answer, or one campaign's (<paramref name="campaignId"/>).</summary>
    public async Task<WebhookFreshnessReport> CheckAsync(AppDbContext db, long? campaignId, CancellationToken ct)
    {
        var stored = await db.Heartbeats.AsNoTracking().Where(h => h.Name == Heartbeat.WebhookReceived).Select(h => h.At).FirstOrDefaultAsync(ct);
        var mine = At(Interlocked.Read(ref _receivedTicks));
        var last = stored is { } s && (mine is null || s > mine) ? s : mine;
        var now = time.GetUtcNow().UtcDateTime;
        var staleAfter = options.CurrentValue.WebhookStaleAfter;
        var cutoff = now - staleAfter;
        var live = db.Calls.Where(c => c.ProviderCallId != null && c.LaunchedAt != null
            && (c.Status == CallStatus.Queued || c.Status == CallStatus.Ringing || c.Status == CallStatus.InProgress));
        if (campaignId is { } id) live = live.Where(c => c.CampaignId == id);
        var unheard = live.Where(c => c.LaunchedAt < cutoff);
        if (last is { } l) unheard = unheard.Where(c => c.LaunchedAt > l);
        var count = await unheard.CountAsync(ct);
        var rejected = At(Interlocked.Read(ref _rejectedTicks));
        if (count > 0)
        {
            var since = last is null ? "No webhook from Vapi has ever arrived" : $"No webhook from Vapi has arrived since {last:u}";
            var why = rejected is { } r && r > cutoff
                ? "Webhooks do arrive but fail verification: check that Vapi:WebhookSecret (or Vapi:HmacSecret) matches the credential set in Vapi."
                : "The server URL set in Vapi (on the assistant or the organisation) is probably wrong; it must reach /api/webhooks/vapi of this app.";
            return new("stale", last, rejected, count,
                $"{since}, though {count} call(s) placed over {staleAfter.TotalMinutes:0.#} min ago are still live. {why} Until it is fixed, calls end only when AutoLynx looks them up.");
        }
        var anyLive = await live.AnyAsync(ct);
        return new(anyLive ? "ok" : "idle", last, rejected, 0, null);
    }

    /// <summary>Writes this instance's newest stamp to the shared row (forward only) every few seconds.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5), time);
        metrics.Gauge("autolynx.webhook.last_received_age", () =>
        {
            var last = At(Interlocked.Read(ref _receivedTicks));
            return last is null ? -1 : (time.GetUtcNow().UtcDateTime - last.Value).TotalSeconds;
        }, "s", "Seconds since this instance last accepted a webhook (-1: none since it started)");
        try
        {
            do await FlushAsync(stoppingToken);
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        await FlushAsync(CancellationToken.None);
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        var ticks = Interlocked.Read(ref _receivedTicks);
        if (ticks == 0 || ticks == _flushedTicks) return;
        try
        {
            var at = new DateTime(ticks, DateTimeKind.Utc);
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            using (await gate.EnterAsync(ct))
                await db.Heartbeats.Where(h => h.Name == Heartbeat.WebhookReceived && (h.At == null || h.At < at))
                    .ExecuteUpdateAsync(u => u.SetProperty(h => h.At, at), ct);
            _flushedTicks = ticks;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not record when the last webhook arrived; trying again shortly");
        }
    }
}
