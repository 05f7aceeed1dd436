using AutoLynx.Data;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Contacts;
using AutoLynx.Vapi;
using AutoLynx.Vapi.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Engine;

/// <summary>
/// Decides LAUNCHING rows whose POST answer was ambiguous or never came (a crash, a takeover, a timeout, a 5xx, a 2xx
/// we could not read), by looking the call up at Vapi by its launch key. The rule that keeps anyone from ringing
/// twice: Vapi can finish creating a call after the client gave up, so "not found" proves nothing until
/// <see cref="AbsentAfter"/> — the POST's start (or, when unknown, the latest it could have started) plus the request
/// timeout plus <c>Dialer:LateCreateGrace</c>. Earlier lookups may find and adopt the call; only a lookup made after
/// that moment that still finds nothing gives the contact back. A call Vapi certainly created is never given back.
/// Lookups that keep failing back off and, after <c>Dialer:LookupGiveUpAfter</c>, end the row as TIMEOUT, so a
/// campaign always finishes (its contact fails: it may have rung).
/// </summary>
public sealed class LaunchResolver(IServiceScopeFactory scopes, TimeProvider time, CallLauncher launcher, LeaderWrites writes,
    IOptionsMonitor<DialerOptions> dialer, IOptionsMonitor<VapiOptions> vapiOptions, EngineMetrics metrics, ILogger<LaunchResolver> logger)
{
    private const int BatchSize = 100;
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>The moment from which a lookup that finds nothing proves Vapi never created the call.</summary>
    public DateTime AbsentAfter(DateTime createdAt, DateTime? postedAt)
        => (postedAt ?? createdAt + dialer.CurrentValue.LaunchDeadline) + vapiOptions.CurrentValue.RequestTimeout + dialer.CurrentValue.LateCreateGrace;

    private sealed record Due(long Id, long CampaignId, string LaunchKey, DateTime CreatedAt, DateTime? PostedAt, bool ProviderCreated, int LookupFailures,
        string ProviderPhoneNumberId);

    /// <summary>One pass over the LAUNCHING rows that are due. Returns how many it looked up.</summary>
    public async Task<int> ResolveDueAsync(CancellationToken ct)
    {
        List<Due> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var now = Now;
            due = await (from c in db.Calls.AsNoTracking()
                         join l in db.PhoneLines.AsNoTracking() on c.PhoneLineId equals l.Id
                         where c.Status == CallStatus.Launching && c.ProviderCallId == null && (c.LookupAfter == null || c.LookupAfter <= now)
                         orderby c.LookupAfter ?? c.CreatedAt
                         select new Due(c.Id, c.CampaignId, c.LaunchKey, c.CreatedAt, c.PostedAt, c.ProviderCreated, c.LookupFailures, l.ProviderPhoneNumberId))
                .Take(BatchSize).ToListAsync(ct);
        }
        var looked = 0;
        foreach (var row in due)
        {
            if (launcher.InFlight(row.Id)) continue; // its POST is still out: its own answer decides first
            looked++;
            await ResolveAsync(row, ct);
        }
        return looked;
    }

    private async Task ResolveAsync(Due row, CancellationToken ct)
    {
        var o = dialer.CurrentValue;
        var askedAt = Now;
        var absentAfter = AbsentAfter(row.CreatedAt, row.PostedAt);
        VapiCall? found;
        string? error = null;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var vapi = scope.ServiceProvider.GetRequiredService<VapiClient>();
            var externalId = row.Id.ToString();
            try
            {
                found = await ProviderCallSearch.FindAsync(vapi, row.ProviderPhoneNumberId, new DateTimeOffset(row.CreatedAt.AddMinutes(-2), TimeSpan.Zero),
                    time.GetUtcNow().AddMinutes(1), c => c.MetadataValue("launchKey") == row.LaunchKey || c.Customer?.ExternalId == externalId, ct);
            }
            catch (Exception ex) when (ex is VapiApiException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                found = null;
                error = ex.Message;
            }
        }

        if (found is not null)
        {
            await launcher.AcceptAsync(row.Id, row.CampaignId, found, "lookup-adopted", ct);
            logger.LogInformation("Call {CallId}: found at Vapi as {ProviderCallId}; adopted", row.Id, found.Id);
            return;
        }
        await using var write = scopes.CreateAsyncScope();
        var db = write.ServiceProvider.GetRequiredService<AppDbContext>();
        var t = write.ServiceProvider.GetRequiredService<EngineTransitions>();
        var since = row.PostedAt ?? row.CreatedAt;
        if (error is not null)
        {
            metrics.LookupFailures.Add(1, new KeyValuePair<string, object?>("kind", "launch"));
            if (Now - since > o.LookupGiveUpAfter)
            {
                await writes.RunAsync(db, () => t.TimedOutAsync(row.Id,
                    $"Vapi could not be asked for {(Now - since).TotalMinutes:0} min whether this call was placed ({error}); it is not dialled again.", ct), ct);
                return;
            }
            var backoff = TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, Math.Min(row.LookupFailures, 6))));
            await writes.RunAsync(db, async () =>
            {
                await t.LookUpLaterAsync(row.Id, Now + backoff, failed: true, ct);
                await t.AppendEventAsync(row.Id, row.CampaignId, "lookup-failed", CallStatus.Launching, error, $"lookup-failed:{row.Id}:{row.LookupFailures}", ct);
            }, ct);
            logger.LogWarning("Lookup of call {CallId} failed ({Failures} in a row): {Error}", row.Id, row.LookupFailures + 1, error);
            return;
        }
        if (row.ProviderCreated)
        {
            if (Now - since > o.LookupGiveUpAfter)
                await writes.RunAsync(db, () => t.TimedOutAsync(row.Id,
                    "Vapi accepted this call but never showed it in its call list; it is not dialled again.", ct), ct);
            else
                await writes.RunAsync(db, () => t.LookUpLaterAsync(row.Id, Now.AddSeconds(5), failed: false, ct), ct);
            return;
        }
        if (askedAt >= absentAfter)
        {
            // Asked after the cut-off and still nothing: Vapi never created it. The contact gets a new row and a new POST.
            await writes.RunAsync(db, () => t.NotPlacedAsync(row.Id, "Vapi has no such call (looked up after the request timeout had passed).",
                ContactReason.PlacementRetry, null, placementFailure: row.PostedAt is not null, ct), ct);
            logger.LogInformation("Call {CallId}: not at Vapi after the cut-off; contact given back", row.Id);
            return;
        }
        var next = Now.AddSeconds(Math.Min(5, Math.Max(1, (absentAfter - Now).TotalSeconds)));
        if (next > absentAfter) next = absentAfter;
        await writes.RunAsync(db, () => t.LookUpLaterAsync(row.Id, next, failed: false, ct), ct);
    }
}
