using AutoLynx.Features.Calls;
using AutoLynx.Features.Engine;
using AutoLynx.Wire;

namespace AutoLynx.Features.Analytics;

/// <summary>
/// Adds rollup cells up into an <see cref="AnalyticsReport"/>: totals, breakdowns, series, local hours and one set of
/// measures per assistant. Pure; the cells may come from the rollup or from <see cref="CallStatsBuilder"/>.
/// </summary>
public sealed class AnalyticsFigures
{
    private readonly Totals _all = new();
    private readonly Dictionary<long, Totals> _byAssistant = [];
    private readonly Dictionary<string, long> _byOutcome = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _byReason = new(StringComparer.Ordinal);
    private readonly Dictionary<DateTime, (long Dialed, long Connected)> _perHour = [];
    private readonly long[] _localDialed = new long[24], _localConnected = new long[24];
    private long _unknownZone;

    private sealed class Totals
    {
        public long Calls, Dialed, Live, Connected, Evaluated, Succeeded;
        public decimal Cost;
        public readonly Dictionary<int, long> Durations = [];

        public void Add(CallStatsCell c)
        {
            Calls += c.Calls;
            Dialed += c.Dialed;
            if (c.Outcome.Length == 0) Live += c.Dialed;
            if (CallStatsBuilder.IsConnected(c.Outcome)) Connected += c.Dialed;
            Evaluated += c.Evaluated;
            Succeeded += c.Succeeded;
            Cost += c.Cost;
            CallStatsCodec.AddSeconds(c.Durations, Durations);
        }
    }

    public void Add(CallStatsCell cell, long assistantId)
    {
        _all.Add(cell);
        if (!_byAssistant.TryGetValue(assistantId, out var a)) _byAssistant[assistantId] = a = new Totals();
        a.Add(cell);
        if (cell.Outcome.Length > 0 && cell.Calls > 0)
        {
            var name = CallStatsBuilder.OutcomeOf(cell.Outcome) is { } o ? WireNames.Kind(o) : cell.Outcome;
            _byOutcome[name] = _byOutcome.GetValueOrDefault(name) + cell.Calls;
        }
        CallStatsCodec.AddReasons(cell.Reasons, _byReason);
        if (cell.Dialed == 0) return;
        var connected = CallStatsBuilder.IsConnected(cell.Outcome) ? cell.Dialed : 0;
        var h = _perHour.GetValueOrDefault(cell.Hour);
        _perHour[cell.Hour] = (h.Dialed + cell.Dialed, h.Connected + connected);
        if (cell.Outcome.Length == 0) return; // live: no answer yet either way
        if (cell.LocalHour is < 0 or > 23) { _unknownZone += cell.Dialed; return; }
        _localDialed[cell.LocalHour] += cell.Dialed;
        _localConnected[cell.LocalHour] += connected;
    }

    public AnalyticsReport Report(DateTime? from, DateTime? to, IReadOnlyDictionary<long, string> assistantNames, bool upToDate)
    {
        var t = _all;
        var perHour = _perHour.OrderBy(x => x.Key).Select(x => new TimePoint(x.Key, x.Value.Dialed, x.Value.Connected)).ToList();
        var perDay = perHour.GroupBy(p => p.At.Date).Select(g => new TimePoint(DateTime.SpecifyKind(g.Key, DateTimeKind.Utc), g.Sum(p => p.Dialed), g.Sum(p => p.Connected))).ToList();
        return new AnalyticsReport
        {
            From = from, To = to,
            Calls = t.Calls, Dialed = t.Dialed, Live = t.Live, Connected = t.Connected, ConnectRate = Rate(t.Connected, t.Dialed - t.Live),
            Evaluated = t.Evaluated, SuccessRate = Rate(t.Succeeded, t.Evaluated),
            DurationP50 = Percentile(t.Durations, 0.5), DurationP90 = Percentile(t.Durations, 0.9),
            TotalCost = Math.Round(t.Cost, 4), CostPerCall = Per(t.Cost, t.Dialed), CostPerConnected = Per(t.Cost, t.Connected),
            ByOutcome = _byOutcome.OrderByDescending(x => x.Value).ToDictionary(),
            ByEndedReason = _byReason.OrderByDescending(x => x.Value).ToDictionary(),
            PerHour = perHour, PerDay = perDay,
            AnswerRateByLocalHour = Enumerable.Range(0, 24).Select(h => new LocalHourPoint(h, _localDialed[h], _localConnected[h], Rate(_localConnected[h], _localDialed[h]))).ToList(),
            UnknownTimeZone = _unknownZone,
            ByAssistant = _byAssistant.Where(x => x.Value.Calls > 0).OrderByDescending(x => x.Value.Dialed).Select(x => new AssistantFigures
            {
                AssistantId = x.Key, Name = assistantNames.GetValueOrDefault(x.Key),
                Calls = x.Value.Calls, Dialed = x.Value.Dialed, Live = x.Value.Live, Connected = x.Value.Connected,
                ConnectRate = Rate(x.Value.Connected, x.Value.Dialed - x.Value.Live),
                Evaluated = x.Value.Evaluated, SuccessRate = Rate(x.Value.Succeeded, x.Value.Evaluated),
                DurationP50 = Percentile(x.Value.Durations, 0.5), DurationP90 = Percentile(x.Value.Durations, 0.9),
                TotalCost = Math.Round(x.Value.Cost, 4), CostPerCall = Per(x.Value.Cost, x.Value.Dialed), CostPerConnected = Per(x.Value.Cost, x.Value.Connected),
            }).ToList(),
            UpToDate = upToDate,
        };
    }

    public static double? Rate(long part, long whole) => whole <= 0 ? null : Math.Round((double)part / whole, 4);

    private static decimal? Per(decimal cost, long n) => n <= 0 ? null : Math.Round(cost / n, 4);

    /// <summary>Nearest rank: the smallest value with at least p·N values at or below it.</summary>
    public static double? Percentile(IReadOnlyDictionary<int, long> histogram, double p)
    {
        var n = histogram.Values.Sum();
        if (n == 0) return null;
        var rank = Math.Max(1, (long)Math.Ceiling(p * n));
        long seen = 0;
        foreach (var (value, count) in histogram.OrderBy(x => x.Key))
        {
            seen += count;
            if (seen >= rank) return value;
        }
        return histogram.Keys.Max();
    }
}
