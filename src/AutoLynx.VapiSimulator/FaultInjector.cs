using System.Collections.Concurrent;
using System.Globalization;

namespace AutoLynx.VapiSimulator;

internal enum CreateFault
{
    None,
    Error500BeforeCreate,
    Error500AfterCreate,
    TimeoutAfterCreate,
    /// <summary>504 at once; the call is created <see cref="FaultPlan.LateCreateMs"/> later.</summary>
    LateCreate,
    /// <summary>Created; answered 201 with a body cut short.</summary>
    GarbledCreate,
}

/// <summary>One scripted failure: the next <see cref="Count"/> requests matching method and path prefix get this status.</summary>
internal sealed record ScriptedFault(string? Method, string PathPrefix, int Status, string? Message, int Count, int? RetryAfterSeconds = null);

/// <summary>Decides the API-level faults. POST /call faults are drawn from (seed, customer number, how many times
/// that number was posted) so they too are independent of the order of concurrent requests; 429 and slow responses
/// from (seed, the request's index), so the same sequence of requests meets the same faults.</summary>
internal sealed class FaultInjector(SimulatorOptions options, CallStore store)
{
    private readonly ConcurrentDictionary<string, int> _postsByNumber = new(StringComparer.Ordinal);
    private readonly Lock _scriptedGate = new();
    private readonly List<ScriptedFault> _scripted = [];
    private long _requests;
    private long _slowRequests;

    /// <summary>Queues a deterministic failure (POST /_sim/faults/next): tests use it for Vapi's 5xx and other answers
    /// that a rate cannot pin to one request.</summary>
    public void Script(ScriptedFault fault)
    {
        lock (_scriptedGate)
        {
            _scripted.Add(fault);
        }
    }

    /// <summary>The scripted failure for this request, if one matches; each match uses up one of its count.</summary>
    public ScriptedFault? TakeScripted(string method, string path)
    {
        lock (_scriptedGate)
        {
            var index = _scripted.FindIndex(f =>
                (f.Method is null || string.Equals(f.Method, method, StringComparison.OrdinalIgnoreCase))
                && path.StartsWith(f.PathPrefix, StringComparison.Ordinal));
            if (index < 0)
            {
                return null;
            }

            var fault = _scripted[index];
            if (fault.Count <= 1)
            {
                _scripted.RemoveAt(index);
            }
            else
            {
                _scripted[index] = fault with { Count = fault.Count - 1 };
            }

            return fault;
        }
    }

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
        if (faults.Rate500BeforeCreate <= 0 && faults.Rate500AfterCreate <= 0 && faults.RateTimeoutAfterCreate <= 0
            && faults.RateLateCreate <= 0 && faults.RateGarbledCreate <= 0)
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

        if (random.Roll(faults.RateTimeoutAfterCreate))
        {
            return CreateFault.TimeoutAfterCreate;
        }

        if (random.Roll(faults.RateLateCreate))
        {
            return CreateFault.LateCreate;
        }

        return random.Roll(faults.RateGarbledCreate) ? CreateFault.GarbledCreate : CreateFault.None;
    }

    /// <summary>Whether GET /call/{id} will fail for a call created now, every time (drawn once per call from the seed).</summary>
    public bool DrawLookupsFail(string customerNumber, long sequence)
    {
        var rate = options.Faults.RateGetCallError;
        return rate > 0 && Seeds.For(options.Seed, "get-call-error", customerNumber, sequence.ToString(CultureInfo.InvariantCulture)).Roll(rate);
    }

    public void CountLookupFailure() => store.Count(FaultKind.GetCallError);

    public void Reset()
    {
        lock (_scriptedGate)
        {
            _scripted.Clear();
        }

        _postsByNumber.Clear();
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _slowRequests, 0);
    }
}
