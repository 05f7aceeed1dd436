using System.Text.Json;
using AutoLynx.Data;
using AutoLynx.Features.Audit;
using AutoLynx.Features.Auth;
using AutoLynx.Features.Campaigns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Webhooks;

/// <summary>An endpoint as the API and the page show it: never its secret.</summary>
public sealed record WebhookEndpointView(long Id, string Url, IReadOnlyList<string> Events, bool Enabled, string? Description, DateTime CreatedAt,
    string? CreatedBy, DateTime? FailingSince, DateTime? LastSuccessAt, DateTime? DisabledAt, string? DisabledReason, int Pending);

/// <summary>The answer to a creation: the endpoint and its signing secret, shown this once.</summary>
public sealed record CreatedWebhookEndpoint(long Id, string Url, IReadOnlyList<string> Events, bool Enabled, string? Description, DateTime CreatedAt,
    string Secret);

public sealed record WebhookEndpointRequest(string? Url, IReadOnlyList<string>? Events, bool? Enabled, string? Description);

/// <summary>One message for one endpoint in the delivery log: its status and its latest attempt.</summary>
public sealed record WebhookMessageView(long Id, string MessageId, string EventType, long? CampaignId, string Status, int Attempts, DateTime CreatedAt,
    DateTime? LastAttemptAt, int? LastResponseCode, double? LastLatencyMs, string? LastError, DateTime? NextAttemptAt, DateTime? DeliveredAt);

public sealed record WebhookDeliveryView(long Id, long MessageId, string EventType, int Attempt, DateTime At, bool Succeeded, int? ResponseCode,
    double LatencyMs, string? Error);

/// <summary>Admins' management of outbound webhook endpoints, their delivery log, and redelivery. Every change is audited.</summary>
public sealed class WebhookEndpointService(AppDbContext db, WebhookTargetGuard guard, WebhookSigner signer, TimeProvider time, Actor actor,
    IOptionsMonitor<WebhookOptions> options, WebhookDeliverySignal signal)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task<List<WebhookEndpointView>> ListAsync(CancellationToken ct)
    {
        var rows = await db.WebhookEndpoints.AsNoTracking().OrderBy(e => e.Id).ToListAsync(ct);
        var pending = await db.WebhookOutbox.AsNoTracking().Where(m => m.Status == OutboxStatus.Pending).GroupBy(m => m.EndpointId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        return rows.Select(e => View(e, pending.GetValueOrDefault(e.Id))).ToList();
    }

    public async Task<WebhookEndpointView?> GetAsync(long id, CancellationToken ct)
    {
        var e = await db.WebhookEndpoints.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (e is null) return null;
        return View(e, await db.WebhookOutbox.CountAsync(m => m.EndpointId == id && m.Status == OutboxStatus.Pending, ct));
    }

    public async Task<(CreatedWebhookEndpoint? Created, Dictionary<string, string[]>? Errors)> CreateAsync(WebhookEndpointRequest req, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (await guard.RefusalAsync(req.Url, ct) is { } why) errors["url"] = [why];
        var events = CheckEvents(req.Events, errors, required: true);
        if (req.Description is { Length: > 200 }) errors["description"] = ["The description is at most 200 characters."];
        if (errors.Count > 0) return (null, errors);
        var secret = WebhookSigner.NewSecret();
        var now = Now;
        var e = new WebhookEndpoint
        {
            Url = req.Url!.Trim(), Events = events!, Enabled = req.Enabled ?? true, Description = Blank(req.Description),
            ProtectedSecret = signer.Protect(secret), CreatedAt = now, UpdatedAt = now, CreatedBy = actor.Name,
        };
        db.WebhookEndpoints.Add(e);
        await db.SaveChangesAsync(ct);
        Audit("webhook.endpoint.create", e.Id, new { e.Url, e.Events, e.Enabled });
        await db.SaveChangesAsync(ct);
        return (new CreatedWebhookEndpoint(e.Id, e.Url, e.EventList, e.Enabled, e.Description, e.CreatedAt, secret), null);
    }

    /// <summary>Changes what was given. Enabling an endpoint again clears its failure record and sends what waited.</summary>
    public async Task<(WebhookEndpointView? Endpoint, Dictionary<string, string[]>? Errors)> UpdateAsync(long id, WebhookEndpointRequest req, CancellationToken ct)
    {
        var e = await db.WebhookEndpoints.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (e is null) return (null, null);
        var errors = new Dictionary<string, string[]>();
        if (req.Url is not null && await guard.RefusalAsync(req.Url, ct) is { } why) errors["url"] = [why];
        var events = req.Events is null ? null : CheckEvents(req.Events, errors, required: true);
        if (req.Description is { Length: > 200 }) errors["description"] = ["The description is at most 200 characters."];
        if (errors.Count > 0) return (null, errors);
        if (req.Url is not null) e.Url = req.Url.Trim();
        if (events is not null) e.Events = events;
        if (req.Description is not null) e.Description = Blank(req.Description);
        if (req.Enabled is { } enabled)
        {
            if (enabled && !e.Enabled)
            {
                e.FailingSince = null;
                e.DisabledAt = null;
                e.DisabledReason = null;
                // What waited while it was off gets a fresh retry window.
                var now = Now;
                var until = now + options.CurrentValue.RetryFor;
                await db.WebhookOutbox.Where(m => m.EndpointId == id && m.Status == OutboxStatus.Pending)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptAt, now).SetProperty(m => m.RetryUntil, until), ct);
            }
            e.Enabled = enabled;
        }
        e.UpdatedAt = Now;
        Audit("webhook.endpoint.update", id, new { e.Url, e.Events, e.Enabled });
        await db.SaveChangesAsync(ct);
        signal.Wake();
        return (await GetAsync(id, ct), null);
    }

    public async Task<bool> DeleteAsync(long id, CancellationToken ct)
    {
        var e = await db.WebhookEndpoints.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (e is null) return false;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.WebhookDeliveries.Where(d => d.EndpointId == id).ExecuteDeleteAsync(ct);
        await db.WebhookOutbox.Where(m => m.EndpointId == id).ExecuteDeleteAsync(ct);
        db.WebhookEndpoints.Remove(e);
        Audit("webhook.endpoint.delete", id, new { e.Url });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>The endpoint's messages, newest first, optionally of one status; null when there is no such endpoint.</summary>
    public async Task<Paged<WebhookMessageView>?> MessagesAsync(long id, string? status, int page, int pageSize, CancellationToken ct)
    {
        if (!await db.WebhookEndpoints.AnyAsync(e => e.Id == id, ct)) return null;
        (page, pageSize) = (Math.Max(1, page), Math.Clamp(pageSize <= 0 ? 50 : pageSize, 1, 500));
        var q = db.WebhookOutbox.AsNoTracking().Where(m => m.EndpointId == id);
        if (Enum.TryParse<OutboxStatus>(status, ignoreCase: true, out var s)) q = q.Where(m => m.Status == s);
        var total = await q.CountAsync(ct);
        var rows = await q.OrderByDescending(m => m.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new Paged<WebhookMessageView>(rows.Select(MessageView).ToList(), page, pageSize, total);
    }

    /// <summary>Every attempt to the endpoint, newest first.</summary>
    public async Task<Paged<WebhookDeliveryView>?> DeliveriesAsync(long id, int page, int pageSize, CancellationToken ct)
    {
        if (!await db.WebhookEndpoints.AnyAsync(e => e.Id == id, ct)) return null;
        (page, pageSize) = (Math.Max(1, page), Math.Clamp(pageSize <= 0 ? 50 : pageSize, 1, 500));
        var q = db.WebhookDeliveries.AsNoTracking().Where(d => d.EndpointId == id);
        var total = await q.CountAsync(ct);
        var rows = await q.OrderByDescending(d => d.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .Join(db.WebhookOutbox.AsNoTracking(), d => d.MessageId, m => m.Id, (d, m) => new { d, m.EventType }).ToListAsync(ct);
        return new Paged<WebhookDeliveryView>(rows.Select(r => new WebhookDeliveryView(r.d.Id, r.d.MessageId, r.EventType, r.d.Attempt, r.d.At, r.d.Succeeded,
            r.d.ResponseCode, r.d.LatencyMs, r.d.Error)).ToList(), page, pageSize, total);
    }

    /// <summary>
    /// Sends the message again (same webhook-id, so receivers can tell), as soon as its campaign's earlier messages are
    /// through. Null error = done; NotFound when the endpoint or message is not there; a conflict when the endpoint is off.
    /// </summary>
    public async Task<(bool NotFound, string? Conflict, WebhookMessageView? Message)> RedeliverAsync(long endpointId, long messageId, CancellationToken ct)
    {
        var endpoint = await db.WebhookEndpoints.AsNoTracking().FirstOrDefaultAsync(e => e.Id == endpointId, ct);
        var m = endpoint is null ? null : await db.WebhookOutbox.FirstOrDefaultAsync(x => x.Id == messageId && x.EndpointId == endpointId, ct);
        if (m is null) return (true, null, null);
        if (!endpoint!.Enabled) return (false, "The endpoint is disabled; enable it first.", null);
        var now = Now;
        m.Status = OutboxStatus.Pending;
        m.NextAttemptAt = now;
        m.RetryUntil = now + options.CurrentValue.RetryFor;
        m.DeliveredAt = null;
        Audit("webhook.message.redeliver", endpointId, new { message = m.MessageId, m.EventType });
        await db.SaveChangesAsync(ct);
        signal.Wake();
        return (false, null, MessageView(m));
    }

    private static string? CheckEvents(IReadOnlyList<string>? events, Dictionary<string, string[]> errors, bool required)
    {
        var list = (events ?? []).Select(e => e?.Trim() ?? "").Where(e => e.Length > 0).Distinct().ToList();
        if (list.Count == 0)
        {
            if (required) errors["events"] = [$"Choose at least one event: {string.Join(", ", WebhookEvents.Types)} (or \"*\" for all)."];
            return null;
        }
        if (list.Contains(WebhookEvents.All)) return WebhookEvents.All;
        var unknown = list.Where(e => !WebhookEvents.Types.Contains(e)).ToList();
        if (unknown.Count > 0)
        {
            errors["events"] = [$"Unknown event {string.Join(", ", unknown.Select(u => $"\"{u}\""))}; known: {string.Join(", ", WebhookEvents.Types)}."];
            return null;
        }
        return string.Join(",", WebhookEvents.Types.Where(list.Contains));
    }

    private static WebhookEndpointView View(WebhookEndpoint e, int pending) => new(e.Id, e.Url, e.EventList, e.Enabled, e.Description, e.CreatedAt,
        e.CreatedBy, e.FailingSince, e.LastSuccessAt, e.DisabledAt, e.DisabledReason, pending);

    private static WebhookMessageView MessageView(OutboxMessage m) => new(m.Id, m.MessageId, m.EventType, m.CampaignId, m.Status.ToString().ToLowerInvariant(),
        m.Attempts, m.CreatedAt, m.LastAttemptAt, m.LastResponseCode, m.LastLatencyMs, m.LastError,
        m.Status == OutboxStatus.Pending ? m.NextAttemptAt : null, m.DeliveredAt);

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private void Audit(string action, long endpointId, object details) => db.AuditLog.Add(AuditEntry(Now, actor.Name, action, endpointId, details));

    /// <summary>An audit row about an endpoint (this service's changes, and the worker's switching one off).</summary>
    internal static AuditLogEntry AuditEntry(DateTime at, string actor, string action, long endpointId, object details) => new()
    {
        At = at, Actor = actor, Action = action, EntityType = "webhook_endpoint", EntityId = endpointId.ToString(), Details = JsonSerializer.Serialize(details),
    };
}
