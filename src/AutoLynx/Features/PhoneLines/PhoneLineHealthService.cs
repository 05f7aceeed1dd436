using AutoLynx.Data;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Engine;
using AutoLynx.Wire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.PhoneLines;

/// <summary>Health of phone lines from their own recent calls (<see cref="LineHealthRules"/>) plus Vapi's live-call count.</summary>
public sealed class PhoneLineHealthService(AppDbContext db, ProviderLineActivity provider, TimeProvider time, IOptionsSnapshot<PhoneLineHealthOptions> options)
{
    private static readonly CallOutcome[] Failures = Enum.GetValues<CallOutcome>().Where(LineHealthRules.IsFailure).ToArray();

    public async Task<LineHealth?> GetAsync(long lineId, bool askProvider, CancellationToken ct)
    {
        var line = await db.PhoneLines.AsNoTracking().FirstOrDefaultAsync(l => l.Id == lineId, ct);
        return line is null ? null : await HealthAsync(line, askProvider, ct);
    }

    public async Task<IReadOnlyList<LineHealth>> ListAsync(bool askProvider, CancellationToken ct)
    {
        var lines = await db.PhoneLines.AsNoTracking().OrderBy(l => l.Name).ToListAsync(ct);
        var result = new List<LineHealth>(lines.Count);
        foreach (var line in lines) result.Add(await HealthAsync(line, askProvider, ct));
        return result;
    }

    private async Task<LineHealth> HealthAsync(PhoneLine line, bool askProvider, CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var today = now.Date;
        var calls = db.Calls.AsNoTracking().Where(k => k.PhoneLineId == line.Id);
        var active = Call.ActiveStatuses;
        var ours = await calls.CountAsync(k => active.Contains(k.Status), ct);
        var callsToday = await calls.CountAsync(k => k.CreatedAt >= today && k.ProviderCallId != null && k.Outcome != CallOutcome.ConcurrencyLimited, ct);
        var recent = await calls.Where(k => k.Outcome != null).OrderByDescending(k => k.CreatedAt)
            .Take(o.WindowCalls + o.BaselineCalls)
            .Select(k => new LineCall(k.CreatedAt, k.Outcome!.Value, k.DurationSeconds, k.EndedReason, k.ErrorMessage))
            .ToListAsync(ct);
        var verdict = LineHealthRules.Evaluate(recent, line.ProviderStatus, o);

        var failed = await calls.Where(k => k.Outcome != null && Failures.Contains(k.Outcome.Value)).OrderByDescending(k => k.CreatedAt)
            .Select(k => new { At = k.EndedAt ?? k.CreatedAt, k.Outcome, k.EndedReason, k.ErrorMessage }).FirstOrDefaultAsync(ct);
        LineError? lastError = failed is null ? null : new LineError(failed.At, WireNames.Kind(failed.Outcome!.Value), failed.EndedReason, failed.ErrorMessage);
        if (!string.IsNullOrEmpty(line.LastError) && line.LastCheckedAt is { } checkedAt && (lastError is null || checkedAt > lastError.At))
            lastError = new LineError(checkedAt, null, null, line.LastError);

        ProviderLineActivity.Reading? reading = askProvider ? await provider.ActiveCallsAsync(line.ProviderPhoneNumberId, ct) : null;
        return new LineHealth(line.Id, line.Name, line.Number, line.ProviderStatus, verdict.Status, verdict.Rule,
            ours, reading?.ActiveCalls, reading?.At, callsToday, DateTime.SpecifyKind(today, DateTimeKind.Utc),
            verdict.WindowCalls, verdict.AnswerRate, verdict.FailureRate, verdict.ShortCallRate,
            verdict.BaselineCalls, verdict.BaselineAnswerRate, verdict.PossibleSpamLabel, verdict.Advice, lastError);
    }
}
