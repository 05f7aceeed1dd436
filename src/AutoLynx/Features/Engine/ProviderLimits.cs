namespace AutoLynx.Features.Engine;

/// <summary>
/// What Vapi told us about the account's limits. Its concurrency limit comes from <c>subscriptionLimits</c> in a 201,
/// or is learned from refusals ("Over Concurrency Limit" in any shape): the number of calls live when Vapi refused
/// becomes the limit, probed one higher per <see cref="ProbeEvery"/> without a refusal. A 429 holds every POST until
/// its Retry-After. Refusals in a row without an accepted call are counted, so the dispatcher can pause a campaign
/// that Vapi keeps refusing instead of burning through its list.
/// </summary>
public sealed class ProviderLimits(TimeProvider time)
{
    public static readonly TimeSpan ProbeEvery = TimeSpan.FromSeconds(60);
    private readonly Lock _lock = new();
    private int? _reported;
    private int? _learned;
    private DateTimeOffset _learnedAt;
    private DateTimeOffset _postsAllowedAt;
    private int _refusalsInARow;

    public void ReportLimit(int? limit)
    {
        if (limit is not > 0) return;
        lock (_lock) _reported = limit;
    }

    /// <summary>Vapi accepted a call: the refusal streak ends.</summary>
    public void Accepted()
    {
        lock (_lock) _refusalsInARow = 0;
    }

    /// <summary>Vapi refused a call for its concurrency limit while <paramref name="activeOthers"/> other calls were live.</summary>
    /// <returns>The refusals in a row, this one included.</returns>
    public int ReportRefused(int activeOthers)
    {
        lock (_lock)
        {
            var limit = Math.Max(1, activeOthers);
            _learned = _learned is { } l ? Math.Min(l, limit) : limit;
            _learnedAt = time.GetUtcNow();
            return ++_refusalsInARow;
        }
    }

    /// <summary>Vapi answered 429: no POST to it before <paramref name="retryAfter"/> has passed.</summary>
    public void ReportRateLimited(TimeSpan retryAfter)
    {
        var until = time.GetUtcNow() + (retryAfter <= TimeSpan.Zero ? TimeSpan.FromSeconds(1) : retryAfter);
        lock (_lock) if (until > _postsAllowedAt) _postsAllowedAt = until;
    }

    /// <summary>When POSTs may go out again (in the past when they may now).</summary>
    public DateTimeOffset PostsAllowedAt { get { lock (_lock) return _postsAllowedAt; } }

    /// <summary>Calls the dispatcher may have live at once: <c>Dialer:AccountCap</c> less the slots kept for inbound calls,
    /// or lower once Vapi said so.</summary>
    public int OutboundCap(DialerOptions o) => EffectiveAccountCap(Math.Max(0, o.AccountCap - o.ReservedInboundSlots));

    public int EffectiveAccountCap(int configured)
    {
        lock (_lock)
        {
            var cap = _reported is { } r ? Math.Min(configured, r) : configured;
            if (_learned is { } l)
            {
                // Probe upwards slowly: the account's other traffic (inbound, another tool) may have gone.
                var probes = (int)((time.GetUtcNow() - _learnedAt) / ProbeEvery);
                var learned = l + probes;
                if (learned >= cap) _learned = null;
                else cap = learned;
            }
            return cap;
        }
    }
}
