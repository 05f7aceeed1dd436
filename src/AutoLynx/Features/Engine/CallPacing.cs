using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using AutoLynx.Features.Compliance;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Engine;

/// <summary>
/// Call starts per second, smoothed: per phone line (carriers expect about one a second), over the account, and per
/// campaign where its policy asks for fewer. Token buckets (System.Threading.RateLimiting) that hold one second's worth
/// at most, so a freed batch of slots is refilled at the line's pace, not all at once. In demo mode the rates scale
/// with the simulator's time scale, like the calls. Only the dispatcher loop takes tokens.
/// </summary>
public sealed class CallPacing(IOptionsMonitor<DialerOptions> options, ComplianceDefaults compliance) : IDisposable
{
    private readonly ConcurrentDictionary<string, (double Rate, TokenBucketRateLimiter Bucket)> _buckets = new();

    /// <summary>Takes a start for this line and campaign if the account, the line and the campaign all have one left.</summary>
    public bool TryTake(long lineId, long campaignId, double? campaignRate)
    {
        var o = options.CurrentValue;
        var buckets = new List<TokenBucketRateLimiter>
        {
            Bucket("account", o.CallStartsPerSecond),
            Bucket($"line:{lineId}", o.CallStartsPerSecondPerLine),
        };
        if (campaignRate is { } r) buckets.Add(Bucket($"campaign:{campaignId}", r));
        if (buckets.Any(b => b.GetStatistics()?.CurrentAvailablePermits < 1)) return false;
        foreach (var b in buckets) b.AttemptAcquire(1).Dispose();
        return true;
    }

    /// <summary>How soon a start may be free again (the dispatcher sleeps no longer than this when pacing held it back).</summary>
    public TimeSpan NextStartIn(double? campaignRate)
    {
        var o = options.CurrentValue;
        var slowest = Math.Min(o.CallStartsPerSecond, Math.Min(o.CallStartsPerSecondPerLine, campaignRate ?? double.MaxValue)) / compliance.TimeScale;
        return TimeSpan.FromSeconds(Math.Clamp(1 / slowest, 0.001, 60));
    }

    private TokenBucketRateLimiter Bucket(string key, double perSecond)
    {
        var rate = perSecond / compliance.TimeScale;
        var entry = _buckets.GetOrAdd(key, _ => (rate, Make(rate)));
        if (Math.Abs(entry.Rate - rate) > 1e-9)
        {
            entry.Bucket.Dispose();
            entry = (rate, Make(rate));
            _buckets[key] = entry;
        }
        return entry.Bucket;
    }

    private static TokenBucketRateLimiter Make(double perSecond)
    {
        // One token per period; a burst of at most a second's worth.
        var period = TimeSpan.FromSeconds(Math.Clamp(1 / perSecond, 0.001, 3600));
        var tokensPerPeriod = 1;
        if (period < TimeSpan.FromMilliseconds(10))
        {
            tokensPerPeriod = (int)Math.Ceiling(perSecond / 100);
            period = TimeSpan.FromMilliseconds(10);
        }
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, (int)Math.Ceiling(perSecond)), TokensPerPeriod = tokensPerPeriod, ReplenishmentPeriod = period,
            AutoReplenishment = true, QueueLimit = 0,
        });
    }

    public void Dispose()
    {
        foreach (var (_, b) in _buckets.Values) b.Dispose();
    }
}
