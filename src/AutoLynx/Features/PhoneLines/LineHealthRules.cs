using AutoLynx.Features.Calls;
using AutoLynx.Features.Engine;

namespace AutoLynx.Features.PhoneLines;

/// <summary>One ended call on a line, as the health rules see it.</summary>
public sealed record LineCall(DateTime CreatedAt, CallOutcome Outcome, double? DurationSeconds, string? EndedReason, string? ErrorMessage);

/// <summary>What the rules found: the status, the rule that set it, the rates they looked at, and advice where there is some.</summary>
public sealed record LineVerdict(
    LineHealthStatus Status, string Rule, int WindowCalls, double? AnswerRate, double? FailureRate, double? ShortCallRate,
    int BaselineCalls, double? BaselineAnswerRate, bool PossibleSpamLabel, string? Advice);

/// <summary>
/// Judges a phone line by its own recent calls, first matching rule wins: Vapi says the number is blocked → failing;
/// the last few calls all failed, or half the window did → failing; a fifth of the window failed → degraded; the
/// answer rate fell well below the line's own baseline, or many answered calls end within seconds → degraded, possible
/// spam label; Vapi reports a status other than active → degraded; else healthy. Calls that say nothing about the line
/// (cancelled, refused for the account's concurrency limit, never placed) are left out.
/// </summary>
public static class LineHealthRules
{
    public const string SpamAdvice =
        "People may be seeing this number labelled as spam. Register it with the carriers' caller registries " +
        "(the Free Caller Registry covers AT&T/Hiya, T-Mobile/First Orion and Verizon/TNS), check its reputation, " +
        "and rest it for a few days while other lines carry the calls.";

    public static bool IsFailure(CallOutcome o) => o is CallOutcome.FailedToConnect or CallOutcome.ProviderFault or CallOutcome.VapiFault
        or CallOutcome.Error or CallOutcome.StartFailed or CallOutcome.Rejected or CallOutcome.Timeout;

    /// <summary>Outcomes that are not about the line: left out of every rate.</summary>
    public static bool Counts(CallOutcome o) => o is not (CallOutcome.Canceled or CallOutcome.ConcurrencyLimited or CallOutcome.NotPlaced);

    /// <param name="newestFirst">The line's ended calls, newest first (at least window + baseline of them, when there are that many).</param>
    /// <param name="providerStatus">Vapi's status of the number (active, activating, blocked…), when known.</param>
    public static LineVerdict Evaluate(IReadOnlyList<LineCall> newestFirst, string? providerStatus, PhoneLineHealthOptions o)
    {
        var judged = newestFirst.Where(c => Counts(c.Outcome)).ToList();
        var window = judged.Take(o.WindowCalls).ToList();
        var baseline = judged.Skip(o.WindowCalls).Take(o.BaselineCalls).ToList();
        var failures = window.Count(c => IsFailure(c.Outcome));
        var connected = window.Where(c => CallOutcomes.IsConnected(c.Outcome)).ToList();
        var shorts = connected.Count(c => c.DurationSeconds is { } d && d < o.ShortCallSeconds);
        double? Rate(int part, int whole) => whole == 0 ? null : Math.Round((double)part / whole, 4);
        var answer = Rate(connected.Count, window.Count);
        var failureRate = Rate(failures, window.Count);
        var shortRate = Rate(shorts, connected.Count);
        var baselineAnswer = Rate(baseline.Count(c => CallOutcomes.IsConnected(c.Outcome)), baseline.Count);
        var enough = window.Count >= o.MinCalls;

        LineVerdict Verdict(LineHealthStatus s, string rule, bool spam = false) =>
            new(s, rule, window.Count, answer, failureRate, shortRate, baseline.Count, baselineAnswer, spam, spam ? SpamAdvice : null);

        if (string.Equals(providerStatus, "blocked", StringComparison.OrdinalIgnoreCase))
            return Verdict(LineHealthStatus.Failing, "Vapi reports the number as blocked.");
        var streak = judged.TakeWhile(c => IsFailure(c.Outcome)).Count();
        if (streak >= o.FailingStreak)
            return Verdict(LineHealthStatus.Failing, $"The last {streak} calls all failed.");
        if (enough && failureRate >= o.FailingFailureRate)
            return Verdict(LineHealthStatus.Failing, $"{Percent(failureRate)} of the last {window.Count} calls failed (failing from {Percent(o.FailingFailureRate)}).");
        if (enough && failureRate >= o.DegradedFailureRate)
            return Verdict(LineHealthStatus.Degraded, $"{Percent(failureRate)} of the last {window.Count} calls failed (degraded from {Percent(o.DegradedFailureRate)}).");
        if (enough && baseline.Count >= o.MinCalls && baselineAnswer > 0 && answer <= baselineAnswer * o.AnswerRateFallRatio)
            return Verdict(LineHealthStatus.Degraded,
                $"The answer rate fell to {Percent(answer)} over the last {window.Count} calls, from {Percent(baselineAnswer)} over the {baseline.Count} before: possible spam label.",
                spam: true);
        if (connected.Count >= o.MinCalls / 2 && connected.Count > 0 && shortRate >= o.ShortCallRate)
            return Verdict(LineHealthStatus.Degraded,
                $"{Percent(shortRate)} of the last {connected.Count} answered calls ended within {o.ShortCallSeconds} s: people hang up at once, possible spam label.",
                spam: true);
        if (!string.IsNullOrEmpty(providerStatus) && !string.Equals(providerStatus, "active", StringComparison.OrdinalIgnoreCase))
            return Verdict(LineHealthStatus.Degraded, $"Vapi reports the number as {providerStatus}.");
        return Verdict(LineHealthStatus.Healthy, enough
            ? $"{failures} of the last {window.Count} calls failed; the answer rate holds."
            : $"Only {window.Count} ended call{(window.Count == 1 ? "" : "s")} so far; no rule applies yet.");
    }

    private static string Percent(double? r) => r is null ? "—" : $"{r.Value * 100:0.#} %";
}
