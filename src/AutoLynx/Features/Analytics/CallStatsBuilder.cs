using System.Collections.Concurrent;
using System.Collections.Frozen;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Engine;

namespace AutoLynx.Features.Analytics;

/// <summary>What analytics reads of one call (and of its contact's time zone).</summary>
public readonly record struct CallStatsRow(
    long CampaignId, DateTime CreatedAt, long PhoneLineId, bool HasProviderId, CallOutcome? Outcome, string? EndedReason,
    decimal? Cost, double? DurationSeconds, string? SuccessEvaluation, string? TimeZone);

/// <summary>
/// Folds calls into rollup cells (<see cref="CallStatsCell"/>). Pure: the rollup uses it to rebuild the cells of an
/// hour, and a request uses it for the minutes at the edges of its range that do not fill a whole hour.
/// </summary>
public sealed class CallStatsBuilder
{
    private static readonly ConcurrentDictionary<string, TimeZoneInfo?> Zones = new(StringComparer.Ordinal);
    private readonly Dictionary<Key, Accumulator> _cells = [];

    private readonly record struct Key(long CampaignId, DateTime Hour, long PhoneLineId, int LocalHour, string Outcome);

    private sealed class Accumulator
    {
        public int Calls, Dialed, Evaluated, Succeeded;
        public decimal Cost;
        public Dictionary<int, int>? Durations;
        public Dictionary<string, int>? Reasons;
    }

    public static DateTime HourOf(DateTime utc) => new(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, DateTimeKind.Utc);

    /// <summary>Dialed = Vapi accepted the call: it has Vapi's id and was not refused for the account's concurrency limit.</summary>
    public static bool IsDialed(bool hasProviderId, CallOutcome? outcome) => hasProviderId && outcome != CallOutcome.ConcurrencyLimited;

    private static readonly FrozenDictionary<string, CallOutcome> Outcomes =
        Enum.GetValues<CallOutcome>().ToDictionary(o => o.ToString(), o => o).ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>A cell's outcome (the enum's name as stored); null for live calls or a name this version does not know.</summary>
    public static CallOutcome? OutcomeOf(string? stored) => stored is not null && Outcomes.TryGetValue(stored, out var o) ? o : null;

    public static bool IsConnected(string? stored) => OutcomeOf(stored) is { } o && CallOutcomes.IsConnected(o);

    /// <summary>The hour of the contact's day when the call was placed; −1 when the zone is unknown.</summary>
    public static int LocalHourOf(string? timeZone, DateTime utc)
    {
        if (string.IsNullOrEmpty(timeZone)) return -1;
        var zone = Zones.GetOrAdd(timeZone, static id => TimeZoneInfo.TryFindSystemTimeZoneById(id, out var z) ? z : null);
        return zone is null ? -1 : TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone).Hour;
    }

    public void Add(in CallStatsRow row)
    {
        var outcome = row.Outcome?.ToString() ?? "";
        var key = new Key(row.CampaignId, HourOf(row.CreatedAt), row.PhoneLineId, LocalHourOf(row.TimeZone, row.CreatedAt), outcome);
        if (!_cells.TryGetValue(key, out var a)) _cells[key] = a = new Accumulator();
        a.Calls++;
        a.Cost += row.Cost ?? 0;
        if (SuccessEvaluations.IsSuccess(row.SuccessEvaluation) is { } ok)
        {
            a.Evaluated++;
            if (ok) a.Succeeded++;
        }
        if (!IsDialed(row.HasProviderId, row.Outcome)) return;
        a.Dialed++;
        if (!string.IsNullOrEmpty(row.EndedReason))
        {
            a.Reasons ??= [];
            a.Reasons[row.EndedReason] = a.Reasons.GetValueOrDefault(row.EndedReason) + 1;
        }
        if (row.Outcome is { } o && CallOutcomes.IsConnected(o) && row.DurationSeconds is { } d)
        {
            var seconds = (int)Math.Clamp(Math.Floor(d), 0, 86_400);
            a.Durations ??= [];
            a.Durations[seconds] = a.Durations.GetValueOrDefault(seconds) + 1;
        }
    }

    public IEnumerable<CallStatsCell> Cells() => _cells.Select(kv => new CallStatsCell
    {
        CampaignId = kv.Key.CampaignId, Hour = kv.Key.Hour, PhoneLineId = kv.Key.PhoneLineId, LocalHour = kv.Key.LocalHour,
        Outcome = kv.Key.Outcome, Calls = kv.Value.Calls, Dialed = kv.Value.Dialed, Cost = kv.Value.Cost,
        Evaluated = kv.Value.Evaluated, Succeeded = kv.Value.Succeeded,
        Durations = kv.Value.Durations is null ? null : CallStatsCodec.Encode(kv.Value.Durations),
        Reasons = kv.Value.Reasons is null ? null : CallStatsCodec.Encode(kv.Value.Reasons),
    });
}
