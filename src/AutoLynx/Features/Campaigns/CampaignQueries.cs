using System.Text.Json;
using AutoLynx.Data;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Compliance;
using AutoLynx.Features.Contacts;
using AutoLynx.Features.Auth;
using AutoLynx.Wire;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Campaigns;

/// <summary>Read side of campaigns: summaries with counters, lists, contacts and calls. Pages and the API share it.</summary>
public sealed class CampaignQueries(AppDbContext db, TimeProvider time)
{
    public async Task<CampaignSummary?> GetSummaryAsync(long id, CancellationToken ct)
    {
        var c = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (c is null) return null;
        var assistant = await db.Assistants.AsNoTracking().Where(a => a.Id == c.AssistantId).Select(a => a.Name).FirstOrDefaultAsync(ct);
        var line = await db.PhoneLines.AsNoTracking().Where(l => l.Id == c.PhoneLineId).Select(l => new { l.Name, l.Number }).FirstOrDefaultAsync(ct);
        var counters = await CountersAsync(id, ct);
        var batches = c.Mode == DialMode.Batch ? await BatchesAsync(id, ct) : null;
        var waiting = Campaign.Dialable.Contains(c.Status) && counters.Active == 0 && counters.Pending > 0 ? await WaitingAsync(id, ct) : null;
        return new CampaignSummary(c.Id, c.Name, c.Status, c.StatusReason, c.Mode, c.Cap, c.LineQuietGating,
            c.AssistantId, assistant, c.PhoneLineId, line?.Name, line?.Number,
            c.CreatedAt, c.QueuedAt, c.DialingAt, c.RunningAt, c.PausedAt, c.StoppedAt, c.CompletedAt, counters, batches,
            PolicyReader.Deserialize(c.PolicyJson), waiting);
    }

    /// <summary>Nothing is live and nobody is due: the contact that falls due first says why the campaign waits.</summary>
    private async Task<CampaignWaiting?> WaitingAsync(long id, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (await db.Contacts.AnyAsync(x => x.CampaignId == id && x.State == ContactState.Pending && (x.NextAttemptAt == null || x.NextAttemptAt <= now), ct))
            return null;
        var next = await db.Contacts.AsNoTracking().Where(x => x.CampaignId == id && x.State == ContactState.Pending)
            .OrderBy(x => x.NextAttemptAt).Select(x => new { x.NextAttemptAt, x.Reason, x.Phone }).FirstOrDefaultAsync(ct);
        if (next?.NextAttemptAt is not { } until) return null;
        var reason = next.Reason ?? ContactReason.RetryScheduled;
        return new CampaignWaiting(reason, until, WaitingWords.Describe(reason, until, now, PhoneTimeZones.Primary(next.Phone)));
    }

    /// <summary>Progress per batch, in one grouped query.</summary>
    public async Task<IReadOnlyList<BatchProgress>> BatchesAsync(long id, CancellationToken ct)
    {
        var rows = await db.Contacts.AsNoTracking().Where(x => x.CampaignId == id)
            .GroupBy(x => new { x.BatchIndex, x.State }).Select(g => new { g.Key.BatchIndex, g.Key.State, Count = g.Count() }).ToListAsync(ct);
        return rows.GroupBy(r => r.BatchIndex).OrderBy(g => g.Key).Select(g =>
        {
            int Of(params ContactState[] states) => g.Where(r => states.Contains(r.State)).Sum(r => r.Count);
            return new BatchProgress(g.Key, g.Sum(r => r.Count), Of(ContactState.Completed, ContactState.Failed, ContactState.Skipped),
                Of(ContactState.Dialing), Of(ContactState.Pending));
        }).ToList();
    }

    public async Task<CampaignCounters> CountersAsync(long id, CancellationToken ct)
        => (await CountersAsync([id], ct))[id];

    /// <summary>Counters of several campaigns in four grouped queries, whatever their number (the list page shows a page of them).</summary>
    public async Task<IReadOnlyDictionary<long, CampaignCounters>> CountersAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        var byState = await db.Contacts.AsNoTracking().Where(x => ids.Contains(x.CampaignId))
            .GroupBy(x => new { x.CampaignId, x.State }).Select(g => new { g.Key.CampaignId, g.Key.State, Count = g.Count() }).ToListAsync(ct);
        // "Accepted": Vapi created and dialled the call (a provider id, and not refused at once for the account's limit).
        var byStatus = await db.Calls.AsNoTracking().Where(x => ids.Contains(x.CampaignId))
            .GroupBy(x => new { x.CampaignId, x.Status, Accepted = x.ProviderCallId != null && (x.Outcome == null || x.Outcome != CallOutcome.ConcurrencyLimited) })
            .Select(g => new { g.Key.CampaignId, g.Key.Status, g.Key.Accepted, Count = g.Count() }).ToListAsync(ct);
        var byOutcome = await db.Calls.AsNoTracking().Where(x => ids.Contains(x.CampaignId) && x.Outcome != null)
            .GroupBy(x => new { x.CampaignId, Outcome = x.Outcome!.Value }).Select(g => new { g.Key.CampaignId, g.Key.Outcome, Count = g.Count() }).ToListAsync(ct);
        var costs = await db.Calls.AsNoTracking().Where(x => ids.Contains(x.CampaignId) && x.Cost != null)
            .GroupBy(x => x.CampaignId).Select(g => new { CampaignId = g.Key, Cost = g.Sum(x => x.Cost) }).ToListAsync(ct);

        var result = new Dictionary<long, CampaignCounters>(ids.Count);
        foreach (var id in ids)
        {
            var states = byState.Where(x => x.CampaignId == id).ToList();
            var statuses = byStatus.Where(x => x.CampaignId == id).ToList();
            int State(ContactState s) => states.FirstOrDefault(x => x.State == s)?.Count ?? 0;
            var total = states.Sum(x => x.Count);
            var active = statuses.Where(x => Call.ActiveStatuses.Contains(x.Status)).Sum(x => x.Count);
            var done = State(ContactState.Completed) + State(ContactState.Failed) + State(ContactState.Skipped);
            var cost = costs.FirstOrDefault(x => x.CampaignId == id)?.Cost ?? 0m;
            result[id] = new CampaignCounters(
                total, State(ContactState.Pending), active, State(ContactState.Completed), State(ContactState.Failed), State(ContactState.Skipped),
                // Calls by status: those Vapi accepted, and those being placed right now (not the attempts it never created).
                statuses.Where(x => x.Accepted || x.Status == CallStatus.Launching).GroupBy(x => x.Status)
                    .ToDictionary(g => WireNames.State(g.Key), g => g.Sum(x => x.Count)),
                byOutcome.Where(x => x.CampaignId == id && x.Outcome is not (CallOutcome.NotPlaced or CallOutcome.ConcurrencyLimited))
                    .ToDictionary(x => WireNames.Kind(x.Outcome), x => x.Count),
                statuses.Where(x => x.Accepted).Sum(x => x.Count), Math.Round(cost, 4),
                total == 0 ? 0 : Math.Round(100.0 * done / total, 1));
        }
        return result;
    }

    /// <summary>True when the campaign exists and the viewer may see it (an admin, or its owner).</summary>
    public async Task<bool> VisibleAsync(long id, Viewer viewer, CancellationToken ct)
    {
        var owner = viewer.OwnerFilter;
        return await db.Campaigns.AnyAsync(c => c.Id == id && (owner == null || c.OwnerId == owner), ct);
    }

    /// <param name="ownerId">Only this owner's campaigns (an operator); null for all (an admin).</param>
    public async Task<Paged<CampaignListItem>> ListAsync(int page, int pageSize, CampaignStatus? status, string? search, string? ownerId, CancellationToken ct)
    {
        (page, pageSize) = Clamp(page, pageSize);
        var q = db.Campaigns.AsNoTracking();
        if (ownerId is not null) q = q.Where(c => c.OwnerId == ownerId);
        if (status is { } s) q = q.Where(c => c.Status == s);
        if (!string.IsNullOrWhiteSpace(search)) q = q.Where(c => c.Name.ToLower().Contains(search.Trim().ToLower()));
        var total = await q.CountAsync(ct);
        var rows = await q.OrderByDescending(c => c.Id).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(c => new { c.Id, c.Name, c.Status, c.Mode, c.Cap, c.TotalContacts, c.CreatedAt, c.DialingAt, c.CompletedAt })
            .ToListAsync(ct);
        return new Paged<CampaignListItem>(
            rows.Select(c => new CampaignListItem(c.Id, c.Name, c.Status, c.Mode, c.Cap, c.TotalContacts, c.CreatedAt, c.DialingAt, c.CompletedAt)).ToList(),
            page, pageSize, total);
    }

    /// <summary>Campaigns not yet finished (created, queued, dialing, running or paused) that use the assistant.</summary>
    public async Task<IReadOnlyList<CampaignRef>> UnfinishedUsingAssistantAsync(long assistantId, CancellationToken ct)
    {
        var unfinished = Campaign.Unfinished;
        var rows = await db.Campaigns.AsNoTracking().Where(c => c.AssistantId == assistantId && unfinished.Contains(c.Status))
            .OrderBy(c => c.Id).Select(c => new { c.Id, c.Name, c.Status }).ToListAsync(ct);
        return rows.Select(c => new CampaignRef(c.Id, c.Name, c.Status)).ToList();
    }

    public async Task<Paged<ContactView>?> ContactsAsync(long campaignId, ContactQuery query, CancellationToken ct)
    {
        if (!await db.Campaigns.AnyAsync(c => c.Id == campaignId, ct)) return null;
        var (page, pageSize) = Clamp(query.Page, query.PageSize);
        var q = db.Contacts.AsNoTracking().Where(c => c.CampaignId == campaignId);
        if (query.State is { } s) q = q.Where(c => c.State == s);
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var term = query.Search.Trim().ToLower();
            q = q.Where(c => c.Name.ToLower().Contains(term) || c.BusinessName.ToLower().Contains(term) || c.Phone.Contains(term));
        }
        var total = await q.CountAsync(ct);
        var rows = await ContactSorts.Apply(q, query.Sort, query.Descending).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new Paged<ContactView>(rows.Select(ToView).ToList(), page, pageSize, total);
    }

    public async Task<IReadOnlyList<CallView>?> CallsAsync(long campaignId, long? contactId, CancellationToken ct)
    {
        if (!await db.Campaigns.AnyAsync(c => c.Id == campaignId, ct)) return null;
        var q = db.Calls.AsNoTracking().Where(c => c.CampaignId == campaignId);
        if (contactId is { } cid) q = q.Where(c => c.ContactId == cid);
        var rows = await q.OrderBy(c => c.Id).ToListAsync(ct);
        return rows.Select(ToView).ToList();
    }

    /// <summary>A call's timeline: every webhook and every change the engine made, oldest first.</summary>
    public async Task<IReadOnlyList<CallEventView>?> CallEventsAsync(long campaignId, long callId, CancellationToken ct)
    {
        if (!await db.Calls.AnyAsync(c => c.Id == callId && c.CampaignId == campaignId, ct)) return null;
        var rows = await db.CallEvents.AsNoTracking().Where(e => e.CallId == callId).OrderBy(e => e.Id)
            .Select(e => new { e.Id, e.Type, e.Status, e.ReceivedAt, e.Payload }).ToListAsync(ct);
        return rows.Select(e => new CallEventView(e.Id, e.Type, e.Status, e.ReceivedAt,
            e.Payload is null || e.Payload.StartsWith('{') ? null : e.Payload.Length > 300 ? e.Payload[..300] + "…" : e.Payload)).ToList();
    }

    public static CallView ToView(Call c) => new(c.Id, c.ContactId, c.CampaignId, c.AttemptNumber, c.Status, c.Outcome, c.EndedReason,
        c.ErrorMessage, c.ProviderCallId, c.CreatedAt, c.LaunchedAt, c.StartedAt, c.EndedAt, c.LastEventAt, c.DurationSeconds, c.Cost,
        c.RecordingUrl, c.Summary, c.SuccessEvaluation, c.Transcript);

    private static ContactView ToView(Contact c) => new(c.Id, c.RowNumber, c.Name, c.BusinessName, c.Phone, c.State, c.Attempts,
        c.BatchIndex, c.LastOutcome, c.LastEndedReason,
        c.ExtraJson is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(c.ExtraJson), c.Reason, c.NextAttemptAt, c.Extension, c.PhoneSource);

    private static (int, int) Clamp(int page, int pageSize) => (Math.Max(1, page), Math.Clamp(pageSize <= 0 ? 25 : pageSize, 1, 500));
}
