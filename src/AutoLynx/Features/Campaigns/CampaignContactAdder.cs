using System.Text.Json;
using AutoLynx.Data;
using AutoLynx.Features.Audit;
using AutoLynx.Features.Auth;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Contacts;
using AutoLynx.Features.Engine;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Campaigns;

/// <param name="Added">Contacts stored (the report's accepted count); 0 on a dry run.</param>
/// <param name="TotalContacts">The campaign's contacts after the addition.</param>
public sealed record AddContactsResult(long CampaignId, bool DryRun, int Added, int TotalContacts, ImportReport ImportReport);

/// <summary>
/// Adds a file's contacts to a campaign that has not finished, with the create's import (validation, mapping, the
/// do-not-call list, duplicates inside the file) plus the campaign's own numbers: a number it already has is reported as a
/// duplicate of that contact. All or nothing, in one transaction. A running campaign's dispatcher sees the new pending
/// contacts at once (it is woken); the completion check cannot miss them (see <see cref="CampaignService.TryCompleteAsync"/>:
/// it completes only while <c>TotalContacts</c> is what it read, and this raises it in the same transaction).
/// Stored row numbers follow the campaign's last row (file row 2 becomes last + 1), so rows stay unique in a campaign;
/// the report speaks of the file's rows.
/// </summary>
public sealed class CampaignContactAdder(AppDbContext db, ContactImporter importer, TimeProvider time, DispatcherSignal dispatcher,
    CampaignEventHub hub, Actor actor, Microsoft.Extensions.Options.IOptions<ImportOptions> limits)
{
    /// <summary>Statuses after which nobody is called again: adding is refused (409).</summary>
    public static readonly CampaignStatus[] Finished = [CampaignStatus.Completed, CampaignStatus.Stopped];

    public async Task<(AddContactsResult? Result, CommandResult Outcome)> AddAsync(long campaignId, Stream file, ImportSettings? import,
        bool dryRun, CancellationToken ct)
    {
        var campaign = await db.Campaigns.AsNoTracking().Where(c => c.Id == campaignId)
            .Select(c => new { c.Name, c.Status, c.Cap }).FirstOrDefaultAsync(ct);
        if (campaign is null) return (null, CommandResult.Missing($"There is no campaign with id {campaignId}."));
        if (Finished.Contains(campaign.Status)) return (null, FinishedConflict(campaign.Name, campaign.Status));

        var now = time.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var existing = await db.Contacts.Where(c => c.CampaignId == campaignId).GroupBy(_ => 1)
            .Select(g => new { Count = g.Count(), MaxRow = g.Max(c => c.RowNumber) }).FirstOrDefaultAsync(ct);
        var rowOffset = (existing?.MaxRow ?? 1) - 1;
        var inCampaign = new List<DuplicateRow>();
        var inCampaignCount = 0;
        var inCampaignPhones = new HashSet<string>(StringComparer.Ordinal);
        ImportReport report;
        await using (var writer = ContactBulkWriter.Create(db, campaignId, campaign.Cap, now, startPosition: existing?.Count ?? 0))
        await using (var pipeline = new ContactWritePipeline(async (batch, token) =>
                     {
                         // Runs on the pipeline's one writer task, in order: the report is merged once the import is done.
                         var phones = batch.Select(c => c.Phone).ToList();
                         var known = await db.Contacts.AsNoTracking().Where(c => c.CampaignId == campaignId && phones.Contains(c.Phone))
                             .Select(c => new { c.Phone, c.RowNumber }).ToDictionaryAsync(c => c.Phone, c => c.RowNumber, token);
                         var fresh = new List<ImportedContact>(batch.Count);
                         foreach (var c in batch)
                         {
                             if (known.TryGetValue(c.Phone, out var row))
                             {
                                 inCampaignCount++;
                                 inCampaignPhones.Add(c.Phone);
                                 if (inCampaign.Count < limits.Value.MaxReportedRows) inCampaign.Add(new DuplicateRow(c.Row, c.Phone, row, InCampaign: true));
                             }
                             else fresh.Add(c with { Row = c.Row + rowOffset });
                         }
                         if (fresh.Count > 0) await writer.WriteAsync(fresh, token);
                     }, ct))
        {
            report = await importer.ImportAsync(file, pipeline.WriteAsync, ct, settings: import);
            await pipeline.CompleteAsync();
        }

        report.Accepted -= inCampaignCount;
        report.DuplicateCount += inCampaignCount;
        report.Duplicates.AddRange(inCampaign.Take(Math.Max(0, limits.Value.MaxReportedRows - report.Duplicates.Count)));
        report.Preview.RemoveAll(p => inCampaignPhones.Contains(p.Phone));
        var total = (existing?.Count ?? 0) + report.Accepted;
        if (dryRun || report.Accepted == 0)
        {
            await tx.RollbackAsync(ct);
            if (!dryRun)
                throw new ImportRejectedException(report.TotalRows == 0
                    ? "The file has a header but no contact rows."
                    : $"None of the {report.TotalRows} rows is a new contact for this campaign; the first problem: row {FirstProblem(report)}.",
                    StatusCodes.Status422UnprocessableEntity);
            return (new AddContactsResult(campaignId, true, 0, existing?.Count ?? 0, report), CommandResult.Done);
        }

        // Conditional: a campaign that finished meanwhile takes nothing (and its completion, if it raced this, saw the old total).
        var accepted = report.Accepted;
        var finished = Finished;
        var updated = await db.Campaigns.Where(c => c.Id == campaignId && !finished.Contains(c.Status))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.TotalContacts, c => c.TotalContacts + accepted)
                .SetProperty(c => c.UpdatedAt, now).SetProperty(c => c.Version, c => c.Version + 1), ct);
        if (updated == 0)
        {
            await tx.RollbackAsync(ct);
            var status = await db.Campaigns.AsNoTracking().Where(c => c.Id == campaignId).Select(c => c.Status).FirstAsync(ct);
            return (null, FinishedConflict(campaign.Name, status));
        }

        db.AuditLog.Add(new AuditLogEntry
        {
            At = now, Actor = actor.Name, Action = "campaign.add_contacts", EntityType = "campaign", EntityId = campaignId.ToString(),
            Details = JsonSerializer.Serialize(new { added = accepted, skipped = report.SkippedCount, duplicates = report.DuplicateCount, alreadyInCampaign = inCampaignCount }),
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        dispatcher.Wake();
        hub.Publish(new CampaignChange(campaignId, ChangeKind.Updated));
        return (new AddContactsResult(campaignId, false, accepted, total, report), CommandResult.Done);
    }

    private static CommandResult FinishedConflict(string name, CampaignStatus status) => CommandResult.Conflict(
        $"The campaign \"{name}\" is {status.ToString().ToLowerInvariant()}: contacts can be added only until it finishes. " +
        "Use Call again (POST /api/campaigns/{id}/duplicate) for a new campaign from it.");

    private static string FirstProblem(ImportReport r)
        => r.Skipped.Count > 0 ? $"{r.Skipped[0].Row}: {r.Skipped[0].Reason}" : r.Duplicates.Count > 0 ? $"{r.Duplicates[0].Row}: {r.Duplicates[0].Reason}" : "?";
}
