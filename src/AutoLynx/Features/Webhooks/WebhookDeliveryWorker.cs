using System.Diagnostics;
using System.Text;
using AutoLynx.Data;
using AutoLynx.Features.Engine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Webhooks;

/// <summary>
/// Delivers the outbox, on the engine's leader only (so two instances never send the same message at once). Each pass
/// takes the due head of every (endpoint, campaign) queue — a message is sent only when every earlier message of its
/// campaign to that endpoint is through — and sends them in parallel, signed. A failure is retried with exponential
/// backoff and jitter until the message's retry window closes; an endpoint that failed for all of Webhooks:RetryFor is
/// disabled, audited, and shown on the page. All state is in the database: a restart carries on where it stopped.
/// </summary>
public sealed class WebhookDeliveryWorker(IServiceScopeFactory scopes, EngineLease lease, WebhookDeliverySignal signal, IHttpClientFactory clients,
    WebhookSigner signer, SqliteWriteGate gate, TimeProvider time, IOptionsMonitor<WebhookOptions> options, ILogger<WebhookDeliveryWorker> logger)
    : BackgroundService
{
    public const string ClientName = "outbound-webhooks";
    private const int Batch = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await lease.WaitForLeadershipAsync(stoppingToken);
                if (await DeliverOnceAsync(stoppingToken) > 0) continue; // a queue moved: its next message may be due now
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Outbound webhook pass failed; trying again");
            }
            try { await signal.WaitAsync(options.CurrentValue.PollInterval, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    private sealed record Target(string Url, string Secret);

    /// <summary>One pass; returns how many messages were attempted.</summary>
    public async Task<int> DeliverOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        List<OutboxMessage> heads;
        Dictionary<long, Target> targets;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var outbox = db.WebhookOutbox;
            heads = await outbox.AsNoTracking()
                .Where(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now
                            && db.WebhookEndpoints.Any(e => e.Id == m.EndpointId && e.Enabled)
                            && (m.CampaignId == null || !outbox.Any(o => o.EndpointId == m.EndpointId && o.CampaignId == m.CampaignId
                                                                      && o.Status == OutboxStatus.Pending && o.Id < m.Id)))
                .OrderBy(m => m.Id).Take(Batch).ToListAsync(ct);
            if (heads.Count == 0) return 0;
            var ids = heads.Select(h => h.EndpointId).Distinct().ToList();
            targets = (await db.WebhookEndpoints.AsNoTracking().Where(e => ids.Contains(e.Id)).Select(e => new { e.Id, e.Url, e.ProtectedSecret }).ToListAsync(ct))
                .ToDictionary(e => e.Id, e => new Target(e.Url, signer.Unprotect(e.ProtectedSecret)));
        }
        await Parallel.ForEachAsync(heads, new ParallelOptions { MaxDegreeOfParallelism = options.CurrentValue.Parallelism, CancellationToken = ct },
            async (m, token) => await DeliverAsync(m, targets[m.EndpointId], token));
        return heads.Count;
    }

    private async Task DeliverAsync(OutboxMessage m, Target target, CancellationToken ct)
    {
        var o = options.CurrentValue;
        var (id, timestamp, signature) = WebhookSigner.Sign(target.Secret, m.MessageId, time.GetUtcNow(), m.Payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new StringContent(m.Payload, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation(WebhookSigner.IdHeader, id);
        request.Headers.TryAddWithoutValidation(WebhookSigner.TimestampHeader, timestamp);
        request.Headers.TryAddWithoutValidation(WebhookSigner.SignatureHeader, signature);
        request.Headers.UserAgent.ParseAdd("AutoLynx-Webhooks/1");
        int? code = null;
        string? error = null;
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(o.RequestTimeout);
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            code = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode) error = $"The receiver answered {code} {response.ReasonPhrase}.";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            error = $"No answer within {o.RequestTimeout.TotalSeconds:0.#} s.";
        }
        catch (HttpRequestException ex)
        {
            error = ex.Message;
        }
        var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        await RecordAsync(m, error is null, code, latency, error, ct);
    }

    private async Task RecordAsync(OutboxMessage m, bool ok, int? code, double latency, string? error, CancellationToken ct)
    {
        var o = options.CurrentValue;
        var now = time.GetUtcNow().UtcDateTime;
        var attempt = m.Attempts + 1;
        error = error is { Length: > 500 } ? error[..500] : error;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        using var held = await gate.EnterAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.WebhookDeliveries.Add(new WebhookDelivery
        {
            EndpointId = m.EndpointId, MessageId = m.Id, Attempt = attempt, At = now, Succeeded = ok, ResponseCode = code, LatencyMs = latency, Error = error,
        });
        // Only the message as this pass read it: a redelivery pressed meanwhile starts its own round.
        var mine = db.WebhookOutbox.Where(x => x.Id == m.Id && x.Status == OutboxStatus.Pending && x.Attempts == m.Attempts);
        if (ok)
        {
            await mine.ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, OutboxStatus.Delivered).SetProperty(x => x.DeliveredAt, now)
                .SetProperty(x => x.Attempts, attempt).SetProperty(x => x.LastAttemptAt, now).SetProperty(x => x.LastResponseCode, code)
                .SetProperty(x => x.LastLatencyMs, latency).SetProperty(x => x.LastError, (string?)null), ct);
            await db.WebhookEndpoints.Where(e => e.Id == m.EndpointId)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.FailingSince, (DateTime?)null).SetProperty(e => e.LastSuccessAt, now), ct);
        }
        else
        {
            var giveUp = now >= m.RetryUntil;
            var next = now + WebhookBackoff.Delay(attempt, o.RetryBaseDelay, o.RetryMaxDelay, Random.Shared.NextDouble());
            await mine.ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, giveUp ? OutboxStatus.Failed : OutboxStatus.Pending)
                .SetProperty(x => x.NextAttemptAt, next).SetProperty(x => x.Attempts, attempt).SetProperty(x => x.LastAttemptAt, now)
                .SetProperty(x => x.LastResponseCode, code).SetProperty(x => x.LastLatencyMs, latency).SetProperty(x => x.LastError, error), ct);
            await db.WebhookEndpoints.Where(e => e.Id == m.EndpointId && e.FailingSince == null)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.FailingSince, now), ct);
            if (giveUp) logger.LogWarning("Webhook message {MessageId} to endpoint {EndpointId} given up after {Attempts} attempts", m.MessageId, m.EndpointId, attempt);
            await DisableIfFailingTooLongAsync(db, m.EndpointId, error, now, o.RetryFor, ct);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>An endpoint that failed for the whole retry window is switched off; the admin sees why on the page and in the audit log.</summary>
    private async Task DisableIfFailingTooLongAsync(AppDbContext db, long endpointId, string? error, DateTime now, TimeSpan retryFor, CancellationToken ct)
    {
        var since = now - retryFor;
        var endpoint = await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == endpointId && e.Enabled && e.FailingSince != null && e.FailingSince <= since, ct);
        if (endpoint is null) return;
        endpoint.Enabled = false;
        endpoint.DisabledAt = now;
        endpoint.DisabledReason = $"Every delivery failed since {endpoint.FailingSince:yyyy-MM-dd HH:mm} UTC (last: {error}). Fix the receiver, then enable the endpoint again.";
        if (endpoint.DisabledReason.Length > 500) endpoint.DisabledReason = endpoint.DisabledReason[..500];
        endpoint.UpdatedAt = now;
        db.AuditLog.Add(WebhookEndpointService.AuditEntry(now, "system", "webhook.endpoint.disabled", endpointId,
            new { endpoint.Url, failingSince = endpoint.FailingSince, lastError = error }));
        logger.LogWarning("Webhook endpoint {EndpointId} disabled: failing since {Since}", endpointId, endpoint.FailingSince);
    }
}
