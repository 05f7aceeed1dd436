namespace AutoLynx.VapiSimulator;

/// <summary>A phone number the simulator owns (seeded from <see cref="SimulatorOptions.PhoneNumbers"/>).</summary>
public sealed record SimPhoneNumber(string Id, string Number, string Provider, string Name);

/// <summary>What the simulator observed; the same data as GET /_sim/stats. RetainedCalls are still listed by
/// /_sim/calls and GET /call; ForgottenCalls were dropped past <see cref="SimulatorOptions.MaxRetainedCalls"/>.</summary>
public sealed record SimulatorStats(
    int MaxConcurrentAccount,
    IReadOnlyDictionary<string, int> MaxConcurrentByPhoneNumber,
    IReadOnlyDictionary<string, int> CallsByCustomerNumber,
    int ActiveCalls,
    int TotalCalls,
    int ConcurrencyBlocked,
    int ConcurrencyRejected,
    int RetainedCalls,
    int ForgottenCalls,
    IReadOnlyDictionary<string, int> EndedReasons,
    WebhookStats Webhooks,
    FaultStats Faults,
    long CallListRequests = 0);

/// <summary>Webhook delivery counts. Sent = answered 2xx; Failed = non-2xx, error or timeout after every retry;
/// Dropped = fault-injected, never sent; Duplicated = extra fault-injected copies; Reordered = held back behind the
/// call's next webhook; BurstHeld = held back for a burst; Retried = extra attempts after a failure;
/// Skipped = no destination URL or type not in serverMessages; Pending = queued or held now, not yet delivered
/// (a gauge: if it keeps growing, the sender is falling behind).</summary>
public sealed record WebhookStats(
    long Sent, long Failed, long Dropped, long Duplicated, long Reordered, long BurstHeld, long Retried, long Skipped, long Pending);

/// <summary>How many times each API fault was injected.</summary>
public sealed record FaultStats(
    long RateLimited, long SlowResponses, long Error500BeforeCreate, long Error500AfterCreate, long TimeoutAfterCreate, long NeverEnds,
    long LateCreates = 0, long GarbledCreates = 0, long GetCallErrors = 0);

/// <summary>Fixed values of the simulation that tests and the app's demo may want to name.</summary>
public static class SimulatorDefaults
{
    /// <summary>Where a forwarded call is transferred (the <c>destination</c> of status-update "forwarding").</summary>
    public const string ForwardingNumber = "+14155550188";
}
