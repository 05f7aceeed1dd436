using System.Text.Json;
using AutoLynx.Data;
using AutoLynx.Features.Assistants;
using AutoLynx.Features.Auth;
using AutoLynx.Features.Audit;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Compliance;
using AutoLynx.Features.Engine;
using AutoLynx.Features.Contacts;
using AutoLynx.Features.PhoneLines;
using AutoLynx.Features.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Campaigns;

/// <param name="Outcomes">Which contacts: those whose last call ended so (wire names, e.g. "no-answer"), or "not-called"; all when empty.</param>
/// <param name="Policy">Policy fields that replace the source's (JSON, as on create and PATCH); the rest are copied.</param>
public sealed record DuplicateCampaignCommand(IReadOnlyList<string>? Outcomes = null, string? Name = null, long? AssistantId = null,
    long? PhoneLineId = null, int? Cap = null, string? Policy = null);

public sealed record DuplicateCampaignResult(long CampaignId, long SourceCampaignId, int Contacts);

public sealed record CreateCampaignCommand(string Name, long AssistantId, long PhoneLineId, int Cap, DialMode Mode, string? OwnerId,
    bool LineQuietGating = false, string? Policy = null);

/// <summary>Outcome of a state-changing command: done, or why not (a 404, a 409, or a 400 naming the field).</summary>
public sealed record CommandResult(bool Ok, bool NotFound = false, string? Error = null, string? Field = null)
{
    public static readonly CommandResult Done = new(true);
    public static CommandResult Missing(string what) => new(false, true, what);
    public static CommandResult Conflict(string why) => new(false, false, why);
    public static CommandResult Invalid(string field, string why) => new(false, false, why, field);
}

/// <summary>Everything that changes a campaign's state. The dispatcher and webhook processor call it too.</summary>
public sealed class CampaignService(AppDbContext db, ContactImporter importer, TimeProvider time, DispatcherSignal dispatcher, CampaignEventHub hub,
    AssistantService assistants, EngineTransitions transitions, ComplianceDefaults compliance, Actor actor,
    Microsoft.Extensions.Options.IOptionsMonitor<DialerOptions> dialer, OutboxWriter outbox)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Validates the choices, imports the file (CSV or .xlsx, mapped as <paramref name="import"/> says) and creates the campaign in one transaction: all or nothing.</summary>
    public async Task<(CreateCampaignResult? Result, Dictionary<string, string[]>? Errors)> CreateAsync(CreateCampaignCommand cmd, Stream csv, CancellationToken ct,
        ImportSettings? import = null)
    {
        var errors = await ValidateChoicesAsync(cmd.Name, cmd.Cap, cmd.AssistantId, cmd.PhoneLineId, ct);
        if (cmd.LineQuietGating && cmd.Mode != DialMode.Batch) errors["lineQuietGating"] = ["Line-quiet gating applies to strict batch mode only."];
        var (policy, policyErrors) = PolicyReader.Read(cmd.Policy, compliance.NewCampaignPolicy(), Now);
        foreach (var (k, v) in policyErrors) errors[k] = v;
        await CheckPolicyLinesAsync(policy, errors, ct);
        if (errors.Count > 0) return (null, errors);

        var now = Now;
        var campaign = new Campaign
        {
            Name = cmd.Name.Trim(), AssistantId = cmd.AssistantId, PhoneLineId = cmd.PhoneLineId, Cap = cmd.Cap,
            Mode = cmd.Mode, LineQuietGating = cmd.LineQuietGating, OwnerId = cmd.OwnerId, Status = CampaignStatus.Created, CreatedAt = now, UpdatedAt = now,
        };
        SetPolicy(campaign, policy);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync(ct);
        ImportReport report;
        await using (var contacts = ContactBulkWriter.Create(db, campaign.Id, campaign.Cap, now))
        await using (var pipeline = new ContactWritePipeline(contacts.WriteAsync, ct))
        {
            report = await importer.ImportAsync(csv, pipeline.WriteAsync, ct, settings: import);
            await pipeline.CompleteAsync();
        }
        if (report.Accepted == 0)
        {
            await tx.RollbackAsync(ct);
            throw new ImportRejectedException(report.TotalRows == 0
                ? "The file has a header but no contact rows."
                : $"None of the {report.TotalRows} rows could be imported; the first problem: row {FirstProblem(report)}.", StatusCodes.Status422UnprocessableEntity);
        }
        campaign.TotalContacts = report.Accepted;
        Audit("campaign.create", campaign.Id, new { campaign.Name, report.Accepted, skipped = report.SkippedCount, duplicates = report.DuplicateCount });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        hub.Publish(new CampaignChange(campaign.Id, ChangeKind.Created));
        return (new CreateCampaignResult(campaign.Id, report), null);
    }

    /// <summary>Name, cap, assistant and phone line of a new campaign: the messages name the field at fault.</summary>
    private async Task<Dictionary<string, string[]>> ValidateChoicesAsync(string? name, int cap, long assistantId, long phoneLineId, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(name)) errors["name"] = ["Give the campaign a name."];
        else if (name.Trim().Length > 200) errors["name"] = ["The name is longer than 200 characters."];
        if (cap is < 1 or > 1000) errors["cap"] = ["Cap must be between 1 and 1000 concurrent calls."];
        var assistant = await db.Assistants.AsNoTracking().FirstOrDefaultAsync(a => a.Id == assistantId, ct);
        if (assistant is null || assistant.DeletedAt is not null) errors["assistantId"] = [$"There is no assistant with id {assistantId}."];
        else if (!assistant.Active) errors["assistantId"] = [$"The assistant \"{assistant.Name}\" is inactive."];
        var line = await db.PhoneLines.AsNoTracking().FirstOrDefaultAsync(l => l.Id == phoneLineId, ct);
        if (line is null) errors["phoneLineId"] = [$"There is no phone line with id {phoneLineId}."];
        else if (!line.Active) errors["phoneLineId"] = [$"The phone line \"{line.Name}\" is inactive."];
        return errors;
    }

    /// <summary>
    /// A new CREATED campaign from another's contacts: all of them, or those whose last call ended in one of
    /// <see cref="DuplicateCampaignCommand.Outcomes"/> ("not-called": never called). Their extra columns and row numbers
    /// come along; mode and line-quiet gating are copied; name, assistant, line, cap and any policy field (hours, retries,
    /// the line pool, guards, a schedule) may be changed. The source's schedule is never copied.
    /// Contacts are copied in pages, in one transaction: all or nothing.
    /// </summary>
    public async Task<(DuplicateCampaignResult? Result, Dictionary<string, string[]>? Errors, bool NotFound)> DuplicateAsync(
        long sourceId, DuplicateCampaignCommand cmd, CancellationToken ct)
    {
        var source = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == sourceId, ct);
        if (source is null) return (null, null, true);
        var filter = ContactFilter.Parse(cmd.Outcomes, out var filterError);
        var name = cmd.Name?.Trim() is { Length: > 0 } n ? n : DefaultCopyName(source.Name, filter);
        var errors = await ValidateChoicesAsync(name, cmd.Cap ?? source.Cap, cmd.AssistantId ?? source.AssistantId, cmd.PhoneLineId ?? source.PhoneLineId, ct);
        if (filterError is not null) errors["outcomes"] = [filterError];
        // The same rules (hours, retries, pool, guards), but not the source's schedule: the copy starts when told.
        var basis = PolicyReader.Deserialize(source.PolicyJson) with { StartAt = null, EndAt = null };
        var (policy, policyErrors) = PolicyReader.Read(cmd.Policy, basis, Now);
        foreach (var (k, v) in policyErrors) errors[k] = v;
        await CheckPolicyLinesAsync(policy, errors, ct);
        if (errors.Count > 0) return (null, errors, false);

        var contacts = filter.Apply(db.Contacts.AsNoTracking().Where(c => c.CampaignId == sourceId));
        if (!await contacts.AnyAsync(ct))
            return (null, new() { ["outcomes"] = [$"No contact of \"{source.Name}\" {filter.Describe()}; nothing to copy."] }, false);

        var now = Now;
        var copy = new Campaign
        {
            Name = name, OwnerId = actor.UserId ?? source.OwnerId, AssistantId = cmd.AssistantId ?? source.AssistantId,
            PhoneLineId = cmd.PhoneLineId ?? source.PhoneLineId, Cap = cmd.Cap ?? source.Cap, Mode = source.Mode,
            LineQuietGating = source.LineQuietGating,
            Status = CampaignStatus.Created, CreatedAt = now, UpdatedAt = now,
        };
        SetPolicy(copy, policy);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Campaigns.Add(copy);
        await db.SaveChangesAsync(ct);
        var copied = 0;
        await using (var writer = ContactBulkWriter.Create(db, copy.Id, copy.Cap, now))
        {
            const int pageSize = 2000;
            for (var lastRow = int.MinValue; ;)
            {
                var from = lastRow;
                var page = await contacts.Where(c => c.RowNumber > from).OrderBy(c => c.RowNumber).Take(pageSize)
                    .Select(c => new { c.RowNumber, c.Name, c.BusinessName, c.Phone, c.ExtraJson }).ToListAsync(ct);
                if (page.Count == 0) break;
                await writer.WriteAsync(page.Select(c => new ImportedContact(c.RowNumber, c.Name, c.BusinessName, c.Phone,
                    c.ExtraJson is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(c.ExtraJson))).ToList(), ct);
                copied += page.Count;
                lastRow = page[^1].RowNumber;
            }
        }
        copy.TotalContacts = copied;
        Audit("campaign.duplicate", copy.Id, new { from = sourceId, copy.Name, outcomes = cmd.Outcomes, contacts = copied, policyChanged = cmd.Policy is not null });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        hub.Publish(new CampaignChange(copy.Id, ChangeKind.Created));
        return (new DuplicateCampaignResult(copy.Id, sourceId, copied), null, false);
    }

    private static string DefaultCopyName(string source, ContactFilter filter)
    {
        var name = $"{source} ({(filter.All ? "copy" : "re-run")})";
        return name.Length <= 200 ? name : name[..200];
    }

    private static string FirstProblem(ImportReport r)
        => r.Skipped.Count > 0 ? $"{r.Skipped[0].Row}: {r.Skipped[0].Reason}" : r.Duplicates.Count > 0 ? $"{r.Duplicates[0].Row}: {r.Duplicates[0].Reason}" : "?";

    /// <summary>
    /// CREATED → QUEUED. When Vapi says the campaign's assistant is gone, the campaign is PAUSED at once with that
    /// reason instead, so no call is placed only to fail.
    /// </summary>
    /// <param name="by">Who starts it, for the audit log when it is not the signed-in person (the schedule).</param>
    public async Task<CommandResult> StartAsync(long id, CancellationToken ct, string? by = null)
    {
        var assistantId = await db.Campaigns.AsNoTracking().Where(c => c.Id == id && c.Status == CampaignStatus.Created && c.TotalContacts > 0)
            .Select(c => (long?)c.AssistantId).FirstOrDefaultAsync(ct);
        var gone = assistantId is { } aid ? await assistants.GoneOnVapiReasonAsync(aid, ct) : null;
        if (gone is not null)
            return await TransitionAsync(id, "campaign.start", [CampaignStatus.Created], CampaignStatus.Paused, c =>
            {
                c.QueuedAt = Now;
                c.PausedAt = Now;
                c.StatusReason = gone;
            }, null, ct, by: by);
        return await TransitionAsync(id, "campaign.start", [CampaignStatus.Created], CampaignStatus.Queued, c => c.QueuedAt = Now,
            c => c.TotalContacts == 0 ? "The campaign has no contacts to call." : null, ct, by: by);
    }

    public Task<CommandResult> PauseAsync(long id, CancellationToken ct)
        => TransitionAsync(id, "campaign.pause", Campaign.Dialable, CampaignStatus.Paused, c => c.PausedAt = Now, null, ct);

    /// <summary>Back to where it was: QUEUED if nothing was dialled yet, DIALING or RUNNING otherwise.</summary>
    public Task<CommandResult> ResumeAsync(long id, CancellationToken ct)
        => TransitionAsync(id, "campaign.resume", [CampaignStatus.Paused], null, c =>
        {
            c.Status = c.RunningAt is not null ? CampaignStatus.Running : c.DialingAt is not null ? CampaignStatus.Dialing : CampaignStatus.Queued;
            c.PausedAt = null;
            c.StatusReason = null;
        }, null, ct);

    /// <summary>STOPPED: no new calls; live calls finish and are still tracked; every contact still waiting is SKIPPED (campaign stopped).</summary>
    public Task<CommandResult> StopAsync(long id, CancellationToken ct)
        => TransitionAsync(id, "campaign.stop", [CampaignStatus.Created, .. Campaign.Dialable, CampaignStatus.Paused], CampaignStatus.Stopped,
            c => c.StoppedAt = Now, null, ct, also: () => transitions.SkipPendingAsync(id, ContactReason.CampaignStopped, ct));

    /// <summary>
    /// An operator's command against the campaign as it is now. The engine moves a campaign too (QUEUED → DIALING →
    /// RUNNING, a version bump each time), so a Pause pressed just after Start can lose the optimistic race: then the
    /// command is judged again against the fresh row, and only a real state conflict reaches the user.
    /// </summary>
    /// <param name="also">More work in the same transaction (Stop skips the waiting contacts).</param>
    private async Task<CommandResult> TransitionAsync(long id, string action, CampaignStatus[] from, CampaignStatus? to,
        Action<Campaign> apply, Func<Campaign, string?>? guard, CancellationToken ct, Func<Task>? also = null, string? by = null)
    {
        const int attempts = 3;
        Campaign? c;
        for (var attempt = 1; ; attempt++)
        {
            c = await db.Campaigns.FirstOrDefaultAsync(x => x.Id == id, ct);
            if (c is null) return CommandResult.Missing($"There is no campaign with id {id}.");
            if (!from.Contains(c.Status))
                return CommandResult.Conflict($"The campaign is {c.Status.ToString().ToUpperInvariant()}; {action.Split('.')[1]} is not possible in that state.");
            if (guard?.Invoke(c) is { } why) return CommandResult.Conflict(why);
            var before = c.Status;
            if (to is { } target) c.Status = target;
            apply(c);
            c.UpdatedAt = Now;
            Audit(action, id, new { from = before.ToString(), to = c.Status.ToString() }, by);
            // Outbound webhooks: in the same SaveChanges as the change (a retry after a conflict writes them again).
            foreach (var type in WebhookEventsFor(action, c.Status)) await outbox.CampaignAsync(type, c, ct);
            try
            {
                await using var tx = also is null ? null : await db.Database.BeginTransactionAsync(ct);
                await db.SaveChangesAsync(ct);
                if (also is not null) await also();
                if (tx is not null) await tx.CommitAsync(ct);
                break;
            }
            catch (DbUpdateConcurrencyException) when (attempt < attempts)
            {
                db.ChangeTracker.Clear();
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear();
                return CommandResult.Conflict("The campaign kept changing at the same time; reload and try again.");
            }
        }
        dispatcher.Wake(); // first: the dispatcher's pass should not wait behind the live-update subscribers
        hub.Publish(CampaignChange.ForStatus(id, c.Status));
        return CommandResult.Done;
    }

    private static IEnumerable<string> WebhookEventsFor(string action, CampaignStatus to)
    {
        if (action == "campaign.start") yield return WebhookEvents.CampaignStarted;
        if (action == "campaign.resume") yield return WebhookEvents.CampaignResumed;
        if (to == CampaignStatus.Paused) yield return WebhookEvents.CampaignPaused;
        if (to == CampaignStatus.Stopped) yield return WebhookEvents.CampaignStopped;
    }

    /// <summary>The policy's phone lines must exist and be active.</summary>
    private async Task CheckPolicyLinesAsync(CampaignPolicy policy, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (policy.PhoneLineIds.Length == 0) return;
        var ids = policy.PhoneLineIds;
        var found = await db.PhoneLines.AsNoTracking().Where(l => ids.Contains(l.Id)).Select(l => new { l.Id, l.Active, l.Name }).ToListAsync(ct);
        var missing = ids.Where(i => found.All(f => f.Id != i)).ToList();
        if (missing.Count > 0) errors["policy.phoneLineIds"] = [$"There is no phone line with id {string.Join(", ", missing)}."];
        else if (found.FirstOrDefault(f => !f.Active) is { } inactive) errors["policy.phoneLineIds"] = [$"The phone line \"{inactive.Name}\" is inactive."];
    }

    private static void SetPolicy(Campaign c, CampaignPolicy policy)
    {
        c.PolicyJson = PolicyReader.Serialize(policy);
        c.StartAt = policy.StartAt;
        c.EndAt = policy.EndAt;
    }

    public async Task<CommandResult> UpdateAsync(long id, string? name, int? cap, CancellationToken ct, string? policyText = null)
    {
        var c = await db.Campaigns.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (c is null) return CommandResult.Missing($"There is no campaign with id {id}.");
        if (policyText is not null)
        {
            var (policy, errors) = PolicyReader.Read(policyText, PolicyReader.Deserialize(c.PolicyJson), Now);
            await CheckPolicyLinesAsync(policy, errors, ct);
            if (errors.Count > 0) return CommandResult.Invalid(errors.First().Key, errors.First().Value[0]);
            SetPolicy(c, policy);
        }
        if (name is not null)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 200) return CommandResult.Invalid("name", "The name must be 1 to 200 characters.");
            c.Name = name.Trim();
        }
        if (cap is not null)
        {
            if (cap is < 1 or > 1000) return CommandResult.Invalid("cap", "Cap must be between 1 and 1000 concurrent calls.");
            c.Cap = cap.Value;
        }
        c.UpdatedAt = Now;
        Audit("campaign.update", id, new { name, cap, policy = policyText is null ? null : c.PolicyJson });
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { return CommandResult.Conflict("The campaign changed at the same time; reload and try again."); }
        hub.Publish(new CampaignChange(id, ChangeKind.Updated));
        dispatcher.Wake();
        return CommandResult.Done;
    }

    public async Task<CommandResult> DeleteAsync(long id, CancellationToken ct)
    {
        var c = await db.Campaigns.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (c is null) return CommandResult.Missing($"There is no campaign with id {id}.");
        if (c.Status != CampaignStatus.Created || await db.Calls.AnyAsync(x => x.CampaignId == id, ct))
            return CommandResult.Conflict("Only a campaign that was never started can be deleted.");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Contacts.Where(x => x.CampaignId == id).ExecuteDeleteAsync(ct);
        db.Campaigns.Remove(c);
        Audit("campaign.delete", id, new { c.Name });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        hub.Publish(new CampaignChange(id, ChangeKind.Deleted));
        return CommandResult.Done;
    }

    // ---- transitions made by the engine ----

    /// <summary>QUEUED → DIALING: the first POST /call was accepted and its provider id saved.</summary>
    public async Task MarkDialingAsync(long id, CancellationToken ct)
    {
        var now = Now;
        var n = await db.Campaigns.Where(c => c.Id == id && c.Status == CampaignStatus.Queued)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CampaignStatus.Dialing).SetProperty(c => c.DialingAt, now)
                .SetProperty(c => c.UpdatedAt, now).SetProperty(c => c.Version, c => c.Version + 1), ct);
        if (n > 0) hub.Publish(CampaignChange.ForStatus(id, CampaignStatus.Dialing));
    }

    /// <summary>DIALING → RUNNING: the provider reported a call of this campaign live (ringing or beyond).</summary>
    public async Task MarkRunningAsync(long id, CancellationToken ct)
    {
        var now = Now;
        var n = await db.Campaigns.Where(c => c.Id == id && (c.Status == CampaignStatus.Dialing || c.Status == CampaignStatus.Queued))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CampaignStatus.Running).SetProperty(c => c.RunningAt, now)
                .SetProperty(c => c.DialingAt, c => c.DialingAt ?? now)
                .SetProperty(c => c.UpdatedAt, now).SetProperty(c => c.Version, c => c.Version + 1), ct);
        if (n > 0) hub.Publish(CampaignChange.ForStatus(id, CampaignStatus.Running));
    }

    /// <summary>A cheap read before <see cref="TryCompleteAsync"/>: while a call is active the campaign cannot be complete.</summary>
    public Task<bool> HasActiveCallsAsync(long id, CancellationToken ct)
    {
        var active = Call.ActiveStatuses;
        return db.Calls.AnyAsync(x => x.CampaignId == id && active.Contains(x.Status), ct);
    }

    /// <summary>
    /// COMPLETED when no contact is left to dial, no call is active and no answered call's report is still due (up to
    /// <see cref="DialerOptions.ReportGrace"/>); every contact may have been skipped (do-not-call, hours that never open).
    /// One conditional UPDATE, so it cannot race a launch; and only while the campaign's contact total is the one read
    /// first, so it cannot race an addition of contacts (<see cref="CampaignContactAdder"/> raises the total in the
    /// transaction that stores them: under PostgreSQL's read committed, an UPDATE that waited on that row re-checks the
    /// row's columns but not its subqueries, which still see the old contacts).
    /// </summary>
    public async Task<bool> TryCompleteAsync(long id, CancellationToken ct)
    {
        var now = Now;
        var total = await db.Campaigns.Where(c => c.Id == id).Select(c => (int?)c.TotalContacts).FirstOrDefaultAsync(ct) ?? -1;
        var dialable = Campaign.Dialable;
        var active = Call.ActiveStatuses;
        // An answered call's end-of-call report (its transcript) is still due: it may ask for a callback.
        var reportDue = now - compliance.ReportGrace(dialer.CurrentValue.ReportGrace);
        var n = await db.Campaigns
            .Where(c => c.Id == id && dialable.Contains(c.Status) && c.TotalContacts == total
                && !db.Contacts.Any(x => x.CampaignId == id && (x.State == ContactState.Pending || x.State == ContactState.Dialing))
                && !db.Calls.Any(x => x.CampaignId == id && active.Contains(x.Status))
                && !db.Calls.Any(x => x.CampaignId == id && x.Status == CallStatus.Ended && x.StartedAt != null && x.Transcript == null
                                      && x.MessagesJson == null && x.EndedAt > reportDue)
                && db.Contacts.Any(x => x.CampaignId == id))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CampaignStatus.Completed).SetProperty(c => c.CompletedAt, now)
                .SetProperty(c => c.UpdatedAt, now).SetProperty(c => c.Version, c => c.Version + 1), ct);
        if (n == 0) return false;
        Audit("campaign.complete", id, null, "system");
        await outbox.CampaignAsync(WebhookEvents.CampaignCompleted, id, ct); // the caller's leader write: one transaction
        await db.SaveChangesAsync(ct);
        hub.Publish(CampaignChange.ForStatus(id, CampaignStatus.Completed));
        return true;
    }

    /// <summary>The engine pauses a campaign it cannot work (bad API key, assistant gone) with a reason for the operator.</summary>
    public async Task PauseForProblemAsync(long id, string reason, CancellationToken ct)
    {
        var now = Now;
        var dialable = Campaign.Dialable;
        var n = await db.Campaigns.Where(c => c.Id == id && dialable.Contains(c.Status))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CampaignStatus.Paused).SetProperty(c => c.PausedAt, now)
                .SetProperty(c => c.StatusReason, reason).SetProperty(c => c.UpdatedAt, now).SetProperty(c => c.Version, c => c.Version + 1), ct);
        if (n == 0) return;
        Audit("campaign.pause", id, new { reason }, "system");
        await outbox.CampaignAsync(WebhookEvents.CampaignPaused, id, ct);
        await db.SaveChangesAsync(ct);
        hub.Publish(CampaignChange.ForStatus(id, CampaignStatus.Paused));
    }

    private void Audit(string action, long campaignId, object? details, string? by = null)
        => db.AuditLog.Add(new AuditLogEntry
        {
            At = Now, Actor = by ?? actor.Name, Action = action, EntityType = "campaign", EntityId = campaignId.ToString(),
            Details = details is null ? null : JsonSerializer.Serialize(details),
        });
}
