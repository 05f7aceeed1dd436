using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AutoLynx.Data;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Campaigns;
using AutoLynx.Features.Compliance;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Webhooks;

/// <summary>
/// The owners of a change (campaign service, engine transitions, do-not-call list) call this inside their own work:
/// it adds one outbox row per enabled endpoint that wants the event to the same DbContext, so the row commits or
/// rolls back with the change. It never saves. With no endpoint subscribed it costs one cached read per scope.
/// </summary>
public sealed class OutboxWriter(AppDbContext db, TimeProvider time, IOptionsMonitor<WebhookOptions> options)
{
    private static readonly TimeSpan SubscriberCacheFor = TimeSpan.FromSeconds(5);
    private sealed record Subscriber(long Id, string Events);
    private List<Subscriber>? _subscribers;
    private DateTime _subscribersReadAt;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>A campaign's status changed (the tracked or freshly read row, after the change).</summary>
    public async Task CampaignAsync(string type, Campaign campaign, CancellationToken ct)
    {
        var to = await EndpointsForAsync(type, ct);
        if (to.Count > 0) Add(to, type, campaign.Id, null, WebhookPayloads.Campaign(campaign));
    }

    /// <summary>A campaign's status changed by a set-based update: its row is read again inside the caller's transaction.</summary>
    public async Task CampaignAsync(string type, long campaignId, CancellationToken ct)
    {
        var to = await EndpointsForAsync(type, ct);
        if (to.Count == 0) return;
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is not null) Add(to, type, campaignId, null, WebhookPayloads.Campaign(campaign));
    }

    /// <summary>
    /// A call reached its final result (call.ended, once per call and endpoint). <paramref name="call"/> is the caller's
    /// view of the row (tracked and changed but maybe not saved yet).
    /// </summary>
    public async Task CallEndedAsync(Call call, CancellationToken ct)
    {
        var to = await EndpointsForAsync(WebhookEvents.CallEnded, ct);
        if (to.Count > 0) await WriteCallEndedAsync(to, call, ct);
    }

    /// <summary>The same, for a call changed by a set-based update: read again inside the caller's transaction.</summary>
    public async Task CallEndedAsync(long callId, CancellationToken ct)
    {
        var to = await EndpointsForAsync(WebhookEvents.CallEnded, ct);
        if (to.Count == 0) return;
        var call = await db.Calls.AsNoTracking().FirstOrDefaultAsync(c => c.Id == callId, ct);
        if (call is not null) await WriteCallEndedAsync(to, call, ct);
    }

    private async Task WriteCallEndedAsync(List<long> to, Call call, CancellationToken ct)
    {
        var key = $"{WebhookEvents.CallEnded}:{call.Id}";
        var already = db.WebhookOutbox.Local.Where(m => m.EventKey == key).Select(m => m.EndpointId)
            .Concat(await db.WebhookOutbox.AsNoTracking().Where(m => m.EventKey == key).Select(m => m.EndpointId).ToListAsync(ct)).ToHashSet();
        to = to.Where(id => !already.Contains(id)).ToList();
        if (to.Count == 0) return;
        var contact = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == call.ContactId, ct);
        var name = await db.Campaigns.AsNoTracking().Where(c => c.Id == call.CampaignId).Select(c => c.Name).FirstOrDefaultAsync(ct);
        Add(to, WebhookEvents.CallEnded, call.CampaignId, key, WebhookPayloads.CallEnded(call, contact, name));
    }

    public async Task DncAddedAsync(DncEntry entry, CancellationToken ct)
    {
        var to = await EndpointsForAsync(WebhookEvents.ContactDncAdded, ct);
        if (to.Count > 0) Add(to, WebhookEvents.ContactDncAdded, null, null, WebhookPayloads.DncAdded(entry));
    }

    private void Add(List<long> endpoints, string type, long? campaignId, string? key, JsonObject data)
    {
        var now = Now;
        var body = WebhookPayloads.Envelope(type, now, data);
        foreach (var endpoint in endpoints)
            db.WebhookOutbox.Add(new OutboxMessage
            {
                MessageId = NewMessageId(), EndpointId = endpoint, EventType = type, CampaignId = campaignId, EventKey = key, Payload = body,
                CreatedAt = now, NextAttemptAt = now, RetryUntil = now + options.CurrentValue.RetryFor, Status = OutboxStatus.Pending,
            });
    }

    private static string NewMessageId() => "msg_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    private async Task<List<long>> EndpointsForAsync(string type, CancellationToken ct)
    {
        if (_subscribers is null || Now - _subscribersReadAt > SubscriberCacheFor)
        {
            _subscribers = await db.WebhookEndpoints.AsNoTracking().Where(e => e.Enabled).Select(e => new Subscriber(e.Id, e.Events)).ToListAsync(ct);
            _subscribersReadAt = Now;
        }
        return _subscribers.Where(s => WebhookEvents.Includes(s.Events, type)).Select(s => s.Id).ToList();
    }
}
