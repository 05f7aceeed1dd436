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

    /// <summary>
    /// Counters of several campaigns, whatever their number (the list page shows a page of them), from the cached counts
    /// (<see cref="CampaignCount"/>): a few dozen rows per campaign, however many contacts and calls it has.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, CampaignCounters>> CountersAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        var (contactRows, callRows) = await CountRowsAsync(ids, ct);
        // Contacts by state and last outcome: "talked" counts people, not calls.
        var byState = contactRows.Select(x => new { x.CampaignId, State = Enum.Parse<ContactState>(x.State), LastOutcome = Outcome(x.Outcome), Count = x.N }).ToList();
        // Calls by status and outcome, with those Vapi accepted among them (a provider id, and not refused at once for
        // the account's limit).
        var calls = callRows.GroupBy(x => new { x.CampaignId, Status = Enum.Parse<CallStatus>(x.State), Outcome = Outcome(x.Outcome) })
            .Select(g => new
            {
                g.Key.CampaignId, g.Key.Status, g.Key.Outcome, Count = g.Sum(x => x.N),
                Accepted = g.Where(x => x.Accepted).Sum(x => x.N),
                Cost = g.Sum(x => x.CostMicros) is var micros && micros != 0 ? micros / 1_000_000m : (decimal?)null,
            }).ToList();
        var byStatus = calls.SelectMany(x => new[]
        {
            new { x.CampaignId, x.Status, Accepted = true, Count = x.Accepted },
            new { x.CampaignId, x.Status, Accepted = false, Count = x.Count - x.Accepted },
        }).Where(x => x.Count > 0).ToList();
        var byOutcome = calls.Where(x => x.Outcome != null).GroupBy(x => new { x.CampaignId, Outcome = x.Outcome!.Value })
            .Select(g => new { g.Key.CampaignId, g.Key.Outcome, Count = g.Sum(x => x.Count) }).ToList();
        var costs = calls.Where(x => x.Cost != null).GroupBy(x => x.CampaignId)
            .Select(g => new { CampaignId = g.Key, Cost = g.Sum(x => x.Cost) }).ToList();

        var result = new Dictionary<long, CampaignCounters>(ids.Count);
        foreach (var id in ids)
        {
            var states = byState.Where(x => x.CampaignId == id).ToList();
            var statuses = byStatus.Where(x => x.CampaignId == id).ToList();
            int State(ContactState s) => states.Where(x => x.State == s).Sum(x => x.Count);
            // Only contacts whose calls are over: a contact waiting to retry after "no answer" is not counted yet.
            int Over(Func<CallOutcome, bool> which) => states
                .Where(x => x.State is ContactState.Completed or ContactState.Failed && x.LastOutcome is { } o && which(o)).Sum(x => x.Count);
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
                Percent(done, total),
                Talked: Over(CallOutcomes.IsConnected),
                NotReached: Over(o => o is CallOutcome.NoAnswer or CallOutcome.Busy or CallOutcome.Voicemail),
                NoAnswer: Over(o => o == CallOutcome.NoAnswer), Busy: Over(o => o == CallOutcome.Busy), Voicemail: Over(o => o == CallOutcome.Voicemail),
                HungUp: Over(o => o == CallOutcome.Canceled));
        }
        return result;
    }

    /// <summary>
    /// What the campaign list shows of each campaign: progress and live calls, from the cached counts, the same figures as
    /// <see cref="CountersAsync(IReadOnlyCollection{long}, CancellationToken)"/>.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, CampaignProgress>> ProgressAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        var (contacts, calls) = await CountRowsAsync(ids, ct);
        var active = Call.ActiveStatuses.Select(s => s.ToString()).ToHashSet();
        string[] done = [nameof(ContactState.Completed), nameof(ContactState.Failed), nameof(ContactState.Skipped)];
        return ids.Distinct().ToDictionary(id => id, id =>
        {
            var mine = contacts.Where(x => x.CampaignId == id).ToList();
            var live = calls.Where(x => x.CampaignId == id && active.Contains(x.State)).Sum(x => x.N);
            return new CampaignProgress(Percent(mine.Where(x => done.Contains(x.State)).Sum(x => x.N), mine.Sum(x => x.N)), live);
        });
    }

    /// <summary>One campaign's row in the cached counts: a key and its sum.</summary>
    private sealed record CountRow(long CampaignId, string State, string Outcome, bool Accepted, int N, long CostMicros);

    /// <summary>
    /// The cached counts of the campaigns, contacts and calls apart, each key summed (on PostgreSQL a key may have several
    /// rows until they are folded); keys that sum to nothing are left out.
    /// </summary>
    private async Task<(List<CountRow> Contacts, List<CountRow> Calls)> CountRowsAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        var rows = await db.CampaignCounts.AsNoTracking().Where(x => ids.Contains(x.CampaignId))
            .GroupBy(x => new { x.CampaignId, x.Subject, x.State, x.Outcome, x.Accepted })
            .Select(g => new { g.Key.CampaignId, g.Key.Subject, g.Key.State, g.Key.Outcome, g.Key.Accepted, N = g.Sum(x => x.N), Cost = g.Sum(x => x.CostMicros) })
            .ToListAsync(ct);
        List<CountRow> Of(string subject) => rows.Where(r => r.Subject == subject && (r.N != 0 || r.Cost != 0))
            .Select(r => new CountRow(r.CampaignId, r.State, r.Outcome, r.Accepted, checked((int)r.N), r.Cost)).ToList();
        return (Of(CampaignCount.ContactSubject), Of(CampaignCount.CallSubject));
    }

    private static CallOutcome? Outcome(string stored) => stored.Length == 0 ? null : Enum.Parse<CallOutcome>(stored);

    /// <summary>Contacts done out of all, in percent to one decimal.</summary>
    private static double Percent(int done, int total) => total == 0 ? 0 : Math.Round(100.0 * done / total, 1);

    /// <summary>
    /// How many contacts each choice of a re-run takes (<see cref="ContactFilter"/>): "not-called", or the wire name of
    /// their last call's outcome. A contact being dialled for the first time is in no group.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, int>> RerunGroupsAsync(long campaignId, CancellationToken ct)
    {
        var rows = (await CountRowsAsync([campaignId], ct)).Contacts
            .Select(x => new { LastOutcome = Outcome(x.Outcome), Dialing = x.State == nameof(ContactState.Dialing), Count = x.N }).ToList();
        return rows.Where(r => !(r.Dialing && ContactFilter.IsNeverPlaced(r.LastOutcome)))
            .GroupBy(r => ContactFilter.GroupOf(r.LastOutcome)).ToDictionary(g => g.Key, g => g.Sum(r => r.Count));
    }

    /// <summary>True when the campaign exists and the viewer may see it (an admin, or its owner).</summary>
    public async Task<bool> VisibleAsync(long id, Viewer viewer, CancellationToken ct)
    {
        var owner = viewer.OwnerFilter;
        return await db.Campaigns.AnyAsync(c => c.Id == id && (owner == null || c.OwnerId == owner), ct);
    }

    /// <summary>The campaigns <paramref name="viewer"/> may see (an admin everyone's, an operator their own), newest first.</summary>
    public async Task<Paged<CampaignListItem>> ListAsync(int page, int pageSize, CampaignStatus? status, string? search, Viewer viewer, CancellationToken ct)
    {
        (page, pageSize) = Clamp(page, pageSize);
        var q = db.Campaigns.AsNoTracking();
        if (viewer.OwnerFilter is { } ownerId) q = q.Where(c => c.OwnerId == ownerId);
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

    /// <summary>The assistant and line of the last campaign <paramref name="ownerId"/> created (the New campaign page starts with them).</summary>
    public async Task<(long AssistantId, long PhoneLineId)?> LastChoicesAsync(string? ownerId, CancellationToken ct)
    {
        if (ownerId is null) return null;
        var last = await db.Campaigns.AsNoTracking().Where(c => c.OwnerId == ownerId).OrderByDescending(c => c.Id)
            .Select(c => new { c.AssistantId, c.PhoneLineId }).FirstOrDefaultAsync(ct);
        return last is null ? null : (last.AssistantId, last.PhoneLineId);
    }

    /// <summary>Campaigns not yet finished (created, queued, dialing, running or paused) that use the assistant.</summary>
    public async Task<IReadOnlyList<CampaignRef>> UnfinishedUsingAssistantAsync(long assistantId, CancellationToken ct)
    {
        var unfinished = Campaign.Unfinished;
        var rows = await db.Campaigns.AsNoTracking().Where(c => c.AssistantId == assistantId && unfinished.Contains(c.Status))
            .OrderBy(c => c.Id).Select(c => new { c.Id, c.Name, c.Status }).ToListAsync(ct);
        return rows.Select(c => new CampaignRef(c.Id, c.Name, c.Status)).ToList();
    }

    /// <summary>
    /// One page of the campaign's contacts. By page number (offset), or with <see cref="ContactQuery.After"/> by keyset:
    /// the page after the cursor's contact, read from the sort's index however deep it is. Every page hands out the
    /// cursor of the page after it.
    /// </summary>
    public async Task<ContactPage?> ContactsAsync(long campaignId, ContactQuery query, CancellationToken ct)
    {
        if (!await db.Campaigns.AnyAsync(c => c.Id == campaignId, ct)) return null;
        var (page, pageSize) = Clamp(query.Page, query.PageSize);
        if (query.After is { } after) query = query with { State = after.State, Search = after.Search, Sort = after.Sort, Descending = after.Descending };
        var q = db.Contacts.AsNoTracking().Where(c => c.CampaignId == campaignId);
        if (query.State is { } s) q = q.Where(c => c.State == s);
        var term = string.IsNullOrWhiteSpace(query.Search) ? null : query.Search.Trim().ToLower();
        if (term is not null) q = Search(q, term);
        // Without a search the cached counts say how many there are; a search has to count its matches.
        var total = term is null
            ? (await CountRowsAsync([campaignId], ct)).Contacts.Where(x => query.State is not { } st || x.State == st.ToString()).Sum(x => x.N)
            : await q.CountAsync(ct);
        var ordered = query.After is { } at
            ? ContactSorts.Apply(ContactSorts.After(q, query.Sort, query.Descending, at, nullsFirst: !db.Database.IsNpgsql()), query.Sort, query.Descending)
            : ContactSorts.Apply(q, query.Sort, query.Descending).Skip((page - 1) * pageSize);
        if (query.After is not null) page = query.After.Page;
        // One row more than the page says whether a page follows.
        var rows = await ordered.Take(pageSize + 1).ToListAsync(ct);
        string? next = null;
        if (rows.Count > pageSize)
        {
            rows.RemoveAt(pageSize);
            var last = rows[^1];
            next = new ContactCursor(query.Sort, query.Descending, query.State, term, page + 1, ContactSorts.KeyOf(last, query.Sort), last.RowNumber).Encode();
        }
        var live = await LiveCallStatusesAsync(rows, ct);
        return new ContactPage(rows.Select(c => ToView(c, live.GetValueOrDefault(c.Id))).ToList(), page, pageSize, total, next);
    }

    /// <summary>
    /// Name, business or phone contains <paramref name="term"/> (lower case), ignoring case. On SQLite that is LIKE, which
    /// folds ASCII case as lower() does and reads each row once instead of lowering three columns first.
    /// </summary>
    private IQueryable<Contact> Search(IQueryable<Contact> q, string term)
    {
        if (db.Database.IsNpgsql())
            return q.Where(c => c.Name.ToLower().Contains(term) || c.BusinessName.ToLower().Contains(term) || c.Phone.Contains(term));
        var pattern = "%" + term.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
        return q.Where(c => EF.Functions.Like(c.Name, pattern, "\\") || EF.Functions.Like(c.BusinessName, pattern, "\\") || EF.Functions.Like(c.Phone, pattern, "\\"));
    }

    public Task<CampaignStatus?> StatusAsync(long campaignId, CancellationToken ct)
        => db.Campaigns.AsNoTracking().Where(c => c.Id == campaignId).Select(c => (CampaignStatus?)c.Status).FirstOrDefaultAsync(ct);

    /// <summary>One contact of the campaign, with its live call's status; null when the campaign has no such contact.</summary>
    public async Task<ContactView?> ContactAsync(long campaignId, long contactId, CancellationToken ct)
    {
        var contact = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == contactId && c.CampaignId == campaignId, ct);
        if (contact is null) return null;
        var live = await LiveCallStatusesAsync([contact], ct);
        return ToView(contact, live.GetValueOrDefault(contact.Id));
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
            .Select(e => new { e.Id, e.Type, e.Status, e.ReceivedAt, Payload = e.Payload == null || e.Payload.StartsWith("{") ? null : e.Payload.Substring(0, 301) })
            .ToListAsync(ct);
        return rows.Select(e => new CallEventView(e.Id, e.Type, e.Status, e.ReceivedAt, Note(e.Payload))).ToList();
    }

    /// <summary>The timelines of several calls of the campaign in one query (a contact's calls), oldest event first.</summary>
    public async Task<Dictionary<long, IReadOnlyList<CallEventView>>> CallEventsAsync(long campaignId, IReadOnlyCollection<long> callIds, CancellationToken ct)
    {
        if (callIds.Count == 0) return [];
        // Webhook bodies (JSON, with whole transcripts) stay in the database: only the engine's short notes come back.
        var rows = await db.CallEvents.AsNoTracking().Where(e => e.CallId != null && callIds.Contains(e.CallId.Value))
            .OrderBy(e => e.Id).Select(e => new
            {
                CallId = e.CallId!.Value, e.Id, e.Type, e.Status, e.ReceivedAt,
                Payload = e.Payload == null || e.Payload.StartsWith("{") ? null : e.Payload.Substring(0, 301),
            }).ToListAsync(ct);
        return rows.GroupBy(e => e.CallId).ToDictionary(g => g.Key,
            g => (IReadOnlyList<CallEventView>)g.Select(e => new CallEventView(e.Id, e.Type, e.Status, e.ReceivedAt, Note(e.Payload))).ToList());
    }

    /// <summary>The engine's own words; webhook bodies (JSON) are not repeated in a timeline.</summary>
    private static string? Note(string? payload) => payload is null || payload.StartsWith('{') ? null : payload.Length > 300 ? payload[..300] + "…" : payload;

    public static CallView ToView(Call c) => new(c.Id, c.ContactId, c.CampaignId, c.AttemptNumber, c.Status, c.Outcome, c.EndedReason,
        c.ErrorMessage, c.ProviderCallId, c.CreatedAt, c.LaunchedAt, c.StartedAt, c.EndedAt, c.LastEventAt, c.DurationSeconds, c.Cost,
        c.RecordingUrl, c.Summary, c.SuccessEvaluation, c.Transcript);

    /// <summary>The live call's status of each contact being dialled on this page (one small query, only when there are any).</summary>
    private async Task<Dictionary<long, CallStatus?>> LiveCallStatusesAsync(List<Contact> rows, CancellationToken ct)
    {
        var dialing = rows.Where(c => c.State == ContactState.Dialing).Select(c => c.Id).ToList();
        if (dialing.Count == 0) return [];
        var active = Call.ActiveStatuses;
        var calls = await db.Calls.AsNoTracking().Where(c => dialing.Contains(c.ContactId) && active.Contains(c.Status))
            .Select(c => new { c.ContactId, c.Status }).ToListAsync(ct);
        return calls.GroupBy(c => c.ContactId).ToDictionary(g => g.Key, g => (CallStatus?)g.Max(c => c.Status));
    }

    /// <summary>Calls in progress now (starting, queued, ringing or live), oldest first, with whom they are with.</summary>
    public async Task<IReadOnlyList<LiveCallView>> LiveCallsAsync(long campaignId, int max, CancellationToken ct)
    {
        var active = Call.ActiveStatuses;
        var rows = await db.Calls.AsNoTracking().Where(c => c.CampaignId == campaignId && active.Contains(c.Status))
            .OrderBy(c => c.Id).Take(max)
            .Join(db.Contacts, c => c.ContactId, x => x.Id, (c, x) => new { c.Id, c.ContactId, x.Name, x.Phone, c.Status, c.CreatedAt, c.StartedAt, c.AttemptNumber })
            .ToListAsync(ct);
        return rows.Select(r => new LiveCallView(r.Id, r.ContactId, r.Name, r.Phone, r.Status, r.AttemptNumber, r.CreatedAt, r.StartedAt)).ToList();
    }

    private static ContactView ToView(Contact c, CallStatus? liveCall) => new(c.Id, c.RowNumber, c.Name, c.BusinessName, c.Phone, c.State, c.Attempts,
        c.BatchIndex, c.LastOutcome, c.LastEndedReason,
        c.ExtraJson is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(c.ExtraJson), c.Reason, c.NextAttemptAt, c.Extension, c.PhoneSource, liveCall);

    private static (int, int) Clamp(int page, int pageSize) => (Math.Max(1, page), Math.Clamp(pageSize <= 0 ? 25 : pageSize, 1, 500));
}
