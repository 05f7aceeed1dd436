using System.Collections.Concurrent;
using System.Globalization;

namespace AutoLynx.VapiSimulator;

internal enum CreateFault
{
    None,
    Error500BeforeCreate,
    Error500AfterCreate,
    TimeoutAfterCreate,
}

/// <summary>Decides the API-level faults. POST /call faults are drawn from (seed, customer number, how many times
/// that number was posted) so they too are independent of the order of concurrent requests; 429 and slow responses
/// from (seed, the request's index), so the same sequence of requests meets the same faults.</summary>
internal sealed class FaultInjector(SimulatorOptions options, CallStore store)
{
    private readonly ConcurrentDictionary<string, int> _postsByNumber = new(StringComparer.Ordinal);
    private long _requests;
    private long _slowRequests;

    public bool ShouldRateLimit()
    {
        var rate = options.Faults.Rate429;
        if (rate <= 0)
        {
            return false;
        }

        var index = Interlocked.Increment(ref _requests).ToString(CultureInfo.InvariantCulture);
        if (!Seeds.For(options.Seed, "429", index).Roll(rate))
        {
            return false;
        }

        store.Count(FaultKind.RateLimited);
        return true;
    }

    /// <summary>How long to hold this API request before handling it; zero for most.</summary>
    public TimeSpan SlowResponseDelay()
    {
        var faults = options.Faults;
        if (faults.RateSlowResponse <= 0 || faults.SlowResponseMs <= 0)
        {
            return TimeSpan.Zero;
        }

        var index = Interlocked.Increment(ref _slowRequests).ToString(CultureInfo.InvariantCulture);
        if (!Seeds.For(options.Seed, "slow", index).Roll(faults.RateSlowResponse))
        {
            return TimeSpan.Zero;
        }

        store.Count(FaultKind.SlowResponse);
        return TimeSpan.FromMilliseconds(faults.SlowResponseMs);
    }

    public CreateFault ForCreate(string customerNumber)
    {
        var faults = options.Faults;
        if (faults.Rate500BeforeCreate <= 0 && faults.Rate500AfterCreate <= 0 && faults.RateTimeoutAfterCreate <= 0)
        {
            return CreateFault.None;
        }

        var index = _postsByNumber.AddOrUpdate(customerNumber, 0, (_, n) => n + 1).ToString(CultureInfo.InvariantCulture);
        var random = Seeds.For(options.Seed, "create-fault", customerNumber, index);
        if (random.Roll(faults.Rate500BeforeCreate))
        {
            return CreateFault.Error500BeforeCreate;
        }

        if (random.Roll(faults.Rate500AfterCreate))
        {
            return CreateFault.Error500AfterCreate;
        }

        return random.Roll(faults.RateTimeoutAfterCreate) ? CreateFault.TimeoutAfterCreate : CreateFault.None;
    }

    public void Reset()
    {
        _postsByNumber.Clear();
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _slowRequests, 0);
    }
}
