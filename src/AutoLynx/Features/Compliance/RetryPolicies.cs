using System.Globalization;
using AutoLynx.Features.Calls;
using AutoLynx.Wire;

namespace AutoLynx.Features.Compliance;

/// <summary>What a campaign's retry policy says about a call that just ended.</summary>
public static class RetryPolicies
{
    /// <summary>Outcomes a policy may retry. Not: Vapi refused the request, or nobody knows whether it rang (timeout).</summary>
    public static bool Retryable(CallOutcome o) => o is CallOutcome.NoAnswer or CallOutcome.Busy or CallOutcome.Voicemail or CallOutcome.FailedToConnect
        or CallOutcome.ProviderFault or CallOutcome.VapiFault or CallOutcome.Error or CallOutcome.Talked or CallOutcome.Forwarded;

    public static IEnumerable<string> RetryableNames => Enum.GetValues<CallOutcome>().Where(Retryable).Select(WireNames.Kind);

    /// <summary>
    /// When the contact should be called again after an attempt ended with <paramref name="outcome"/>, or null for never.
    /// <paramref name="attempts"/> counts the attempt that just ended. The delays are taken in turn, the last repeating.
    /// </summary>
    public static DateTime? NextAttempt(RetryPolicy policy, CallOutcome outcome, int attempts, DateTime endedAt, double timeScale = 1)
    {
        if (attempts >= policy.MaxAttempts || policy.Delays.Length == 0) return null;
        if (!policy.Outcomes.Contains(WireNames.Kind(outcome))) return null;
        var delay = TimeSpan.Parse(policy.Delays[Math.Min(attempts - 1, policy.Delays.Length - 1)], CultureInfo.InvariantCulture);
        return endedAt + delay * timeScale;
    }
}
