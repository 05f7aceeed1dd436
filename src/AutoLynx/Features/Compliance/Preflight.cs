using AutoLynx.Data;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Contacts;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace AutoLynx.Features.Compliance;

/// <summary>
/// What a campaign would do if started now: how many of its waiting contacts may be called at once, how many wait for
/// their calling hours (and when the first opens), how many are on the do-not-call list or out of attempts, how many
/// hours never open for, and when it would finish at its cap.
/// </summary>
public sealed record PreflightReport(int Pending, int CallableNow, int WaitingForHours, DateTime? FirstOpensAt, string? FirstOpensMessage,
    int OnDoNotCallList, int OverAttemptCap, int NeverInCallingHours, int WithoutConsent, double SecondsPerCall, bool SecondsPerCallFromHistory,
    DateTime? EstimatedFinishAt, string CallingHours);

/// <summary>Computes a <see cref="PreflightReport"/>; the same rules as <see cref="ClaimGuard"/>, read-only, over every pending contact.</summary>
public sealed class Preflight(AppDbContext db, ContactHours hours, ComplianceDefaults defaults, TimeProvider time)
{
    /// <summary>With no call history for the assistant, a call is taken to last this long.</summary>
    public const double DefaultSecondsPerCall = 60;

    public async Task<PreflightReport?> ForAsync(long campaignId, CancellationToken ct)
    {
        var campaign = await db.Campaigns.AsNoTracking().Where(c => c.Id == campaignId)
            .Select(c => new { c.Cap, c.PolicyJson, c.AssistantId }).FirstOrDefaultAsync(ct);
        if (campaign is null) return null;
        var policy = PolicyReader.Deserialize(campaign.PolicyJson);
        var now = time.GetUtcNow().UtcDateTime;
        var instant = Instant.FromDateTimeUtc(now);

        var listed = (await db.Contacts.AsNoTracking().Where(c => c.CampaignId == campaignId && c.State == ContactState.Pending)
            .Join(db.DncEntries.AsNoTracking(), c => c.Phone, d => d.Phone, (c, d) => c.Id).ToListAsync(ct)).ToHashSet();
        int pending = 0, callable = 0, waiting = 0, dnc = 0, overCap = 0, never = 0, noConsent = 0;
        Instant? first = null;
        DateTimeZone? firstZone = null;
        // Contacts of one area code (and the same zone/state columns) share their rules: worked out once each.
        var memo = new Dictionary<(string, string?), (Instant? Opens, DateTimeZone? Zone)>();
        await foreach (var c in db.Contacts.AsNoTracking().Where(c => c.CampaignId == campaignId && c.State == ContactState.Pending)
                           .Select(c => new { c.Id, c.Phone, c.ExtraJson, c.Attempts }).AsAsyncEnumerable().WithCancellation(ct))
        {
            pending++;
            if (listed.Contains(c.Id)) { dnc++; continue; }
            if (c.Attempts >= policy.Retry.MaxAttempts) { overCap++; continue; }
            if (policy.RequireConsent && !ClaimGuard.HasConsent(c.ExtraJson)) { noConsent++; continue; }
            var columns = c.ExtraJson is { } e && (e.Contains("time_zone", StringComparison.Ordinal) || e.Contains("\"state", StringComparison.Ordinal)) ? e : null;
            var key = (c.Phone[..Math.Min(c.Phone.Length, 9)], columns);
            if (!memo.TryGetValue(key, out var found))
            {
                var rules = hours.For(c.Phone, c.ExtraJson, policy.CallingWindow, defaults.EnforceLegalHours, policy.MaxCallsPerNumberPer24h);
                found = rules is null ? (null, null) : (CallingHours.NextOpening(instant, rules.Rules), rules.MainZone);
                memo[key] = found;
            }
            if (found.Opens is not { } opens) { never++; continue; }
            if (opens <= instant) { callable++; continue; }
            waiting++;
            if (first is null || opens < first) (first, firstZone) = (opens, found.Zone);
        }

        var durations = await db.Calls.AsNoTracking()
            .Where(k => k.DurationSeconds != null && db.Campaigns.Any(p => p.Id == k.CampaignId && p.AssistantId == campaign.AssistantId))
            .OrderByDescending(k => k.Id).Take(500).Select(k => k.DurationSeconds!.Value).ToListAsync(ct);
        var fromHistory = durations.Count > 0;
        // In demo mode a call lasts its nominal length times the time scale; history already carries that.
        var perCall = fromHistory ? durations.Average() : DefaultSecondsPerCall * defaults.TimeScale;
        var toCall = callable + waiting;
        DateTime? finish = null;
        if (toCall > 0)
        {
            var startsAt = callable > 0 ? now : first!.Value.ToDateTimeUtc();
            finish = startsAt.AddSeconds(Math.Ceiling((double)toCall / Math.Max(1, campaign.Cap)) * perCall);
        }
        var firstMessage = first is { } f ? WaitingWords.Describe(ContactReason.OutsideCallingHours, f.ToDateTimeUtc(), now, firstZone?.Id) : null;
        return new PreflightReport(pending, callable, waiting, first?.ToDateTimeUtc(), firstMessage, dnc, overCap, never, noConsent,
            Math.Round(perCall, 1), fromHistory, finish, Describe(policy.CallingWindow));
    }

    /// <summary>"Mon–Fri 09:00–20:00 in each contact's time zone", or "Any time (demo mode)".</summary>
    public string Describe(CallingWindow? window)
    {
        var legal = defaults.EnforceLegalHours ? ", and within the legal hours of each contact's state" : "";
        if (window is null) return defaults.Demo && !defaults.EnforceLegalHours ? "Any time (demo mode: no calling hours)" : "Any time" + legal;
        var days = window.Days.SequenceEqual(["mon", "tue", "wed", "thu", "fri"]) ? "Mon–Fri"
            : window.Days.Length == 7 ? "Every day" : string.Join(", ", window.Days.Select(d => char.ToUpperInvariant(d[0]) + d[1..]));
        return $"{days} {window.From}–{window.To} in each contact's time zone{legal}";
    }
}
