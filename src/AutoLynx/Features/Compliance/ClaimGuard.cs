using AutoLynx.Data;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Contacts;
using AutoLynx.Features.Engine;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace AutoLynx.Features.Compliance;

/// <summary>What the guard decided for the contacts that were due.</summary>
public sealed record GuardDecision(List<DueContact> Callable, List<(long ContactId, DateTime Until, ContactReason Reason)> Waits,
    Dictionary<ContactReason, List<long>> Skips);

/// <summary>
/// The policy at the moment of claiming, inside the claim's transaction: a due contact is called now only if its
/// number is not on the do-not-call list, it has consent where the campaign asks for it, it is inside its calling
/// hours in every zone it may be in, it has no live call in any campaign, and it has not had the most calls allowed in
/// 24 hours over every campaign. The others wait (with the reason and the moment they may be called) or are skipped.
/// </summary>
public sealed class ClaimGuard(AppDbContext db, ContactHours hours, ComplianceDefaults defaults)
{
    private static readonly CallStatus[] Active = Call.ActiveStatuses;

    public async Task<GuardDecision> CheckAsync(CampaignPolicy policy, IReadOnlyList<DueContact> due, DateTime now, CancellationToken ct)
    {
        var decision = new GuardDecision([], [], []);
        if (due.Count == 0) return decision;
        void Skip(DueContact c, ContactReason why)
        {
            if (!decision.Skips.TryGetValue(why, out var list)) decision.Skips[why] = list = [];
            list.Add(c.Id);
        }

        var phones = due.Select(c => c.Phone).Distinct().ToList();
        var listed = await DncService.ListedAsync(db, phones, ct);
        var live = (await db.Calls.AsNoTracking().Where(k => Active.Contains(k.Status))
                .Join(db.Contacts.AsNoTracking(), k => k.ContactId, c => c.Id, (k, c) => c.Phone)
                .Where(p => phones.Contains(p)).Distinct().ToListAsync(ct)).ToHashSet();
        var since = now.AddHours(-24);
        var recent = (await db.Calls.AsNoTracking()
                .Where(k => k.CreatedAt > since && k.ProviderCallId != null && (k.Outcome == null || k.Outcome != CallOutcome.ConcurrencyLimited))
                .Join(db.Contacts.AsNoTracking(), k => k.ContactId, c => c.Id, (k, c) => new { c.Phone, k.CreatedAt })
                .Where(x => phones.Contains(x.Phone)).ToListAsync(ct))
            .GroupBy(x => x.Phone).ToDictionary(g => g.Key, g => g.Select(x => x.CreatedAt).OrderByDescending(t => t).ToList());

        var instant = Instant.FromDateTimeUtc(DateTime.SpecifyKind(now, DateTimeKind.Utc));
        foreach (var c in due)
        {
            if (listed.Contains(c.Phone)) { Skip(c, ContactReason.DoNotCall); continue; }
            if (policy.RequireConsent && !HasConsent(c.ExtraJson)) { Skip(c, ContactReason.NoConsent); continue; }
            var rules = hours.For(c.Phone, c.ExtraJson, policy.CallingWindow, defaults.EnforceLegalHours, policy.MaxCallsPerNumberPer24h);
            if (rules is null) { Skip(c, ContactReason.NeverInCallingHours); continue; }
            var opens = CallingHours.NextOpening(instant, rules.Rules);
            if (opens is null) { Skip(c, ContactReason.NeverInCallingHours); continue; }
            if (opens.Value > instant)
            {
                decision.Waits.Add((c.Id, opens.Value.ToDateTimeUtc(), ContactReason.OutsideCallingHours));
                continue;
            }
            if (live.Contains(c.Phone))
            {
                decision.Waits.Add((c.Id, now + defaults.LiveElsewhereRecheck, ContactReason.LiveElsewhere));
                continue;
            }
            if (recent.TryGetValue(c.Phone, out var times) && times.Count >= rules.MaxCallsPer24h)
            {
                // Free again 24 hours after the oldest of the calls that fill the limit.
                decision.Waits.Add((c.Id, times[rules.MaxCallsPer24h - 1].AddHours(24).AddSeconds(1), ContactReason.DailyLimit));
                continue;
            }
            live.Add(c.Phone); // the same number twice in this batch (two campaigns' lists): one at a time
            decision.Callable.Add(c);
        }
        return decision;
    }

    /// <summary>A <c>consent</c> column that says yes in any common way (filled, and not "no", "false", "0").</summary>
    public static bool HasConsent(string? extraJson)
    {
        var value = ContactExtra.ReadIfAny(extraJson, "consent")?.GetValueOrDefault("consent")?.Trim().ToLowerInvariant();
        return !string.IsNullOrEmpty(value) && value is not ("no" or "n" or "false" or "0" or "none" or "-");
    }
}
