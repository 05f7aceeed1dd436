using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AutoLynx.Features.Engine;

/// <summary>
/// Where the time goes between a call ending at the provider and the next POST /call: one histogram per stage, in
/// milliseconds, on the meter <c>AutoLynx.Engine</c> (bench/EngineBench listens to it; an OpenTelemetry exporter can too).
/// </summary>
public sealed class EngineMetrics : IDisposable
{
    public const string MeterName = "AutoLynx.Engine";
    private readonly Meter _meter = new(MeterName);
    private long _slotFreedAt;

    public EngineMetrics()
    {
        WebhookStore = _meter.CreateHistogram<double>("autolynx.webhook.store", "ms", "Webhook request: read, verify and store in the inbox");
        InboxLag = _meter.CreateHistogram<double>("autolynx.inbox.lag", "ms", "Inbox row stored → its batch applied and committed");
        ApplyBatch = _meter.CreateHistogram<double>("autolynx.inbox.apply", "ms", "One inbox batch: apply transaction, begin to commit");
        ApplyBatchSize = _meter.CreateHistogram<int>("autolynx.inbox.batch_size", "rows", "Inbox rows applied per batch");
        WakeLag = _meter.CreateHistogram<double>("autolynx.dispatch.wake_lag", "ms", "A slot freed (terminal status committed) → dispatcher pass begins");
        Room = _meter.CreateHistogram<double>("autolynx.dispatch.room", "ms", "Dispatcher pass begins → room known for every campaign");
        Claim = _meter.CreateHistogram<double>("autolynx.dispatch.claim", "ms", "Claim transaction (contacts DIALING + call rows LAUNCHING + lease fence)");
        Post = _meter.CreateHistogram<double>("autolynx.launch.post", "ms", "POST /call round trip");
        Accept = _meter.CreateHistogram<double>("autolynx.launch.accept", "ms", "Saving the provider id (QUEUED) after a 2xx");
        Refill = _meter.CreateHistogram<double>("autolynx.dispatch.refill", "ms", "A slot freed → the POST /call that refills it is sent");
        GateWait = _meter.CreateHistogram<double>("autolynx.db.write_gate_wait", "ms", "SQLite only: waiting for the in-process write gate");
        WebhookUnused = _meter.CreateCounter<long>("autolynx.webhook.unused", "{webhook}",
            "Verified webhooks of a type AutoLynx does not apply (conversation-update, speech-update…): answered, not stored");

        // For alerts (docs/operations.md).
        WebhookReceived = _meter.CreateCounter<long>("autolynx.webhook.received", "{webhook}", "Webhooks verified and stored in the inbox");
        WebhookRejected = _meter.CreateCounter<long>("autolynx.webhook.rejected", "{webhook}",
            "Webhooks refused: reason=verification (wrong or missing secret/signature), too_large, not_vapi, not_stored");
        LookupFailures = _meter.CreateCounter<long>("autolynx.lookup.failures", "{lookup}",
            "Looking a call up at Vapi failed (kind=launch: is this ambiguous POST a call?; kind=silent: what happened to a silent call?)");
        LeaseChanges = _meter.CreateCounter<long>("autolynx.lease.changes", "{change}", "This instance gained (change=acquired) or lost (change=lost) the engine lease");
        BreakerTrips = _meter.CreateCounter<long>("autolynx.breaker.trips", "{trip}", "Campaigns paused by the failure-spike breaker");
        _meter.CreateObservableGauge("autolynx.inbox.backlog", () => InboxBacklogSample.Rows, "{row}",
            "Webhook inbox rows not applied yet (sampled by the leader every few seconds)");
        _meter.CreateObservableGauge("autolynx.inbox.oldest_age", () => InboxBacklogSample.OldestAgeSeconds, "s",
            "Age of the oldest webhook inbox row not applied yet (0 when none; sampled by the leader)");
    }

    public Counter<long> WebhookReceived { get; }
    public Counter<long> WebhookRejected { get; }
    public Counter<long> LookupFailures { get; }
    public Counter<long> LeaseChanges { get; }
    public Counter<long> BreakerTrips { get; }

    /// <summary>The last sample of the inbox (written by <see cref="Calls.InboxBacklogSampler"/>).</summary>
    public (long Rows, double OldestAgeSeconds) InboxBacklogSample { get; set; }

    /// <summary>Registers an observable gauge on this meter (for parts outside the engine: webhook freshness, Vapi reachability).</summary>
    public void Gauge(string name, Func<double> read, string unit, string description) => _meter.CreateObservableGauge(name, read, unit, description);

    public Histogram<double> WebhookStore { get; }
    public Histogram<double> InboxLag { get; }
    public Histogram<double> ApplyBatch { get; }
    public Histogram<int> ApplyBatchSize { get; }
    public Histogram<double> WakeLag { get; }
    public Histogram<double> Room { get; }
    public Histogram<double> Claim { get; }
    public Histogram<double> Post { get; }
    public Histogram<double> Accept { get; }
    public Histogram<double> Refill { get; }
    public Histogram<double> GateWait { get; }
    public Counter<long> WebhookUnused { get; }

    /// <summary>A terminal status was committed: the moment a slot became free (the first one not yet refilled counts).</summary>
    public void SlotFreed() => Interlocked.CompareExchange(ref _slotFreedAt, Stopwatch.GetTimestamp(), 0);

    /// <summary>The dispatcher starts a pass: how long since the oldest unrefilled slot was freed (none → nothing recorded).</summary>
    public long PassStarted()
    {
        var freed = Interlocked.Read(ref _slotFreedAt);
        if (freed != 0) WakeLag.Record(Stopwatch.GetElapsedTime(freed).TotalMilliseconds);
        return freed;
    }

    /// <summary>A pass that started after <paramref name="freed"/> sends its first POST now.</summary>
    public void Refilled(long freed)
    {
        if (freed == 0) return;
        Refill.Record(Stopwatch.GetElapsedTime(freed).TotalMilliseconds);
        Interlocked.CompareExchange(ref _slotFreedAt, 0, freed);
    }

    /// <summary>A pass that launched nothing: whatever slot was freed had nothing to refill it (campaign done, paused, capped elsewhere).</summary>
    public void NothingToRefill(long freed)
    {
        if (freed != 0) Interlocked.CompareExchange(ref _slotFreedAt, 0, freed);
    }

    public static double Ms(long since) => Stopwatch.GetElapsedTime(since).TotalMilliseconds;

    public void Dispose() => _meter.Dispose();
}
