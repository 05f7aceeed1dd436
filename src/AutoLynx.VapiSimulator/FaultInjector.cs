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
/// that number was posted) so they too are independent of the order of concurrent requests.</summary>
internal sealed class FaultInjector(SimulatorOptions options)
{
    private readonly ConcurrentDictionary<string, int> _postsByNumber = new(StringComparer.Ordinal);
    private long _requests;

    public bool ShouldRateLimit()
    {
        var rate = options.Faults.Rate429;
        if (rate <= 0)
        {
            return false;
        }

        var index = Interlocked.Increment(ref _requests).ToString(CultureInfo.InvariantCulture);
        return Seeds.For(options.Seed, "429", index).Roll(rate);
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
    }
}
