namespace AutoLynx.Features.Webhooks;

/// <summary>Exponential backoff with jitter: base × 2^(attempt−1), capped, then spread ±20 % so retries do not arrive in step.</summary>
public static class WebhookBackoff
{
    /// <param name="attempt">The attempt that just failed (1 for the first).</param>
    /// <param name="random">A number in [0, 1).</param>
    public static TimeSpan Delay(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, double random)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var raw = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(raw * (0.8 + 0.4 * random));
    }
}
