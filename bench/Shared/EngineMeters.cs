using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AutoLynx.Bench;

/// <summary>
/// Listens to the app's own meter <c>AutoLynx.Engine</c> while a bench runs: every histogram value (per-stage timings),
/// counters summed per second since the listener started, and the last value of each observable gauge (read on
/// <see cref="ReadGauges"/>).
/// </summary>
public sealed class EngineMeters : IDisposable
{
    public const string MeterName = "AutoLynx.Engine";
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _values = new();
    private readonly ConcurrentDictionary<(string Name, long Second), long> _perSecond = new();
    private readonly ConcurrentDictionary<string, double> _gauges = new();
    private readonly long _started = Stopwatch.GetTimestamp();

    public EngineMeters()
    {
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MeterName) l.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((i, v, _, _) => Record(i, v));
        _listener.SetMeasurementEventCallback<int>((i, v, _, _) => Record(i, v));
        _listener.SetMeasurementEventCallback<long>((i, v, _, _) => Record(i, v));
        _listener.Start();
    }

    /// <summary>Seconds since the listener started (the clock of <see cref="PerSecond"/>).</summary>
    public double Elapsed => Stopwatch.GetElapsedTime(_started).TotalSeconds;

    private void Record(Instrument instrument, double value)
    {
        switch (instrument)
        {
            case ObservableGauge<long> or ObservableGauge<double> or ObservableGauge<int>:
                _gauges[instrument.Name] = value;
                break;
            case Counter<long> or Counter<int> or Counter<double>:
                _perSecond.AddOrUpdate((instrument.Name, (long)Elapsed), (long)value, (_, n) => n + (long)value);
                break;
            default:
                _values.GetOrAdd(instrument.Name, _ => []).Add(value);
                break;
        }
    }

    /// <summary>Asks the observable gauges for their values now and returns the last of each.</summary>
    public IReadOnlyDictionary<string, double> ReadGauges()
    {
        _listener.RecordObservableInstruments();
        return new Dictionary<string, double>(_gauges);
    }

    /// <summary>A counter's sum per whole second of <see cref="Elapsed"/>, from <paramref name="from"/> to <paramref name="to"/> (exclusive).</summary>
    public List<long> PerSecond(string counter, long from, long to)
    {
        var list = new List<long>();
        for (var s = from; s < to; s++) list.Add(_perSecond.TryGetValue((counter, s), out var n) ? n : 0);
        return list;
    }

    /// <summary>The values recorded for a histogram, sorted.</summary>
    public List<double> Values(string histogram)
    {
        var v = _values.TryGetValue(histogram, out var bag) ? bag.ToList() : [];
        v.Sort();
        return v;
    }

    /// <summary>Forgets the histogram values recorded so far (a bench measures a window after its warm-up).</summary>
    public void ClearValues() => _values.Clear();

    /// <summary>The per-stage table: n, p50, p95, p99 and mean of every histogram, in the order of the path to a refill.</summary>
    public void PrintStages(TextWriter to)
    {
        to.WriteLine("per stage inside the app (ms)                      n       p50      p95      p99     mean");
        foreach (var name in _values.Keys.OrderBy(StageOrder).ThenBy(n => n, StringComparer.Ordinal))
        {
            var v = Values(name);
            if (v.Count == 0) continue;
            to.WriteLine($"  {name,-44} {v.Count,6} {ProviderSchedule.Q(v, 0.5),9:0.0} {ProviderSchedule.Q(v, 0.95),8:0.0} {ProviderSchedule.Q(v, 0.99),8:0.0} {v.Average(),8:0.0}");
        }
    }

    private static int StageOrder(string name) => Array.IndexOf(new[]
    {
        "autolynx.webhook.store", "autolynx.db.write_gate_wait", "autolynx.inbox.lag", "autolynx.inbox.apply", "autolynx.inbox.batch_size",
        "autolynx.dispatch.wake_lag", "autolynx.dispatch.room", "autolynx.dispatch.claim", "autolynx.dispatch.refill", "autolynx.launch.post", "autolynx.launch.accept",
    }, name) is var i and >= 0 ? i : 99;

    public void Dispose() => _listener.Dispose();
}
