using AutoLynx.Data;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Analytics;

/// <param name="From">Inclusive, UTC; null = from the first call.</param>
/// <param name="To">Exclusive, UTC; null = until now.</param>
public sealed record AnalyticsFilter(DateTime? From, DateTime? To, long? CampaignId = null, long? AssistantId = null, long? PhoneLineId = null);

/// <summary>
/// Analytics over any range and filters, read from the hourly rollup (<see cref="CallStatsCell"/>): whole hours come
/// from its cells, and the minutes at either edge of a range that does not start or end on the hour come from the calls
/// themselves. So an answer over a million calls reads tens of thousands of small rows, never the calls.
/// </summary>
public sealed class AnalyticsQueries(AppDbContext db, CallStatsRollup rollup)
{
    /// <summary>Passes of catch-up a request runs before it answers, so a change made a moment ago shows.</summary>
    private const int CatchUpPasses = 4;

    /// <param name="ownerId">Only this owner's campaigns (an operator); null for all (an admin).</param>
    public async Task<AnalyticsReport> ReportAsync(AnalyticsFilter filter, string? ownerId, CancellationToken ct)
    {
        var upToDate = await rollup.CatchUpAsync(CatchUpPasses, ct);

        var campaigns = db.Campaigns.AsNoTracking();
        if (ownerId is not null) campaigns = campaigns.Where(c => c.OwnerId == ownerId);
        if (filter.CampaignId is { } cid) campaigns = campaigns.Where(c => c.Id == cid);
        if (filter.AssistantId is { } aid) campaigns = campaigns.Where(c => c.AssistantId == aid);
        var assistantOf = await campaigns.ToDictionaryAsync(c => c.Id, c => c.AssistantId, ct);
        var ids = assistantOf.Keys.ToList();
        var figures = new AnalyticsFigures();

        if (ids.Count > 0)
        {
            var (from, to) = (filter.From, filter.To);
            // Whole hours from the rollup; the part-hours at the edges from the calls.
            var firstWhole = from is { } f ? Ceiling(f) : (DateTime?)null;
            var endWhole = to is { } t ? CallStatsBuilder.HourOf(t) : (DateTime?)null;
            if (firstWhole is not null && endWhole is not null && firstWhole > endWhole)
            {
                await AddCallsAsync(figures, ids, assistantOf, from, to, filter.PhoneLineId, ct);
            }
            else
            {
                var cells = db.CallStats.AsNoTracking().Where(s => ids.Contains(s.CampaignId));
                if (firstWhole is { } a) cells = cells.Where(s => s.Hour >= a);
                if (endWhole is { } b) cells = cells.Where(s => s.Hour < b);
                if (filter.PhoneLineId is { } line) cells = cells.Where(s => s.PhoneLineId == line);
                await foreach (var cell in cells.AsAsyncEnumerable().WithCancellation(ct))
                    figures.Add(cell, assistantOf[cell.CampaignId]);
                if (from is not null && from < firstWhole) await AddCallsAsync(figures, ids, assistantOf, from, firstWhole, filter.PhoneLineId, ct);
                if (to is not null && endWhole < to) await AddCallsAsync(figures, ids, assistantOf, endWhole, to, filter.PhoneLineId, ct);
            }
        }

        var names = await db.Assistants.AsNoTracking().ToDictionaryAsync(a => a.Id, a => a.Name, ct);
        return figures.Report(filter.From, filter.To, names, upToDate);
    }

    /// <summary>Calls created in [from, to), folded the same way the rollup folds them.</summary>
    private async Task AddCallsAsync(AnalyticsFigures figures, List<long> ids, Dictionary<long, long> assistantOf,
        DateTime? from, DateTime? to, long? line, CancellationToken ct)
    {
        var calls = db.Calls.AsNoTracking().Where(k => ids.Contains(k.CampaignId));
        if (from is { } a) calls = calls.Where(k => k.CreatedAt >= a);
        if (to is { } b) calls = calls.Where(k => k.CreatedAt < b);
        if (line is { } l) calls = calls.Where(k => k.PhoneLineId == l);
        var builder = new CallStatsBuilder();
        await foreach (var row in CallStatsRollup.Rows(db, calls).AsAsyncEnumerable().WithCancellation(ct)) builder.Add(row);
        foreach (var cell in builder.Cells()) figures.Add(cell, assistantOf[cell.CampaignId]);
    }

    /// <summary>The choices for the page's filters: the campaigns the viewer may see, every assistant and every line.</summary>
    public async Task<AnalyticsChoices> ChoicesAsync(string? ownerId, CancellationToken ct)
    {
        var campaigns = db.Campaigns.AsNoTracking();
        if (ownerId is not null) campaigns = campaigns.Where(c => c.OwnerId == ownerId);
        var c = await campaigns.OrderByDescending(x => x.Id).Take(500).Select(x => new AnalyticsChoice(x.Id, x.Name)).ToListAsync(ct);
        var a = await db.Assistants.AsNoTracking().OrderBy(x => x.Name).Select(x => new AnalyticsChoice(x.Id, x.Name)).ToListAsync(ct);
        var l = await db.PhoneLines.AsNoTracking().OrderBy(x => x.Name).Select(x => new AnalyticsChoice(x.Id, x.Name + " (" + x.Number + ")")).ToListAsync(ct);
        return new AnalyticsChoices(c, a, l);
    }

    private static DateTime Ceiling(DateTime t)
    {
        var h = CallStatsBuilder.HourOf(t);
        return h == t ? h : h.AddHours(1);
    }
}
