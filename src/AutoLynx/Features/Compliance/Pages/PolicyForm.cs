using System.Globalization;
using System.Text.Json.Nodes;

namespace AutoLynx.Features.Compliance.Pages;

/// <summary>
/// The New campaign page's "Calling hours and retries" as the person edits them, read from a policy and written back
/// as the <c>policy</c> JSON the service validates (its errors are keyed <c>policy.*</c>, shown next to the fields).
/// Delays are typed in minutes ("30, 120"); anything else is sent as typed, so the server says what is wrong with it.
/// The scheduled start and end are typed in <see cref="Zone"/> (the browser's) and sent in UTC; when they are as loaded
/// they are not sent, so editing a campaign whose end has passed does not trip over "endAt is already past".
/// </summary>
public sealed class PolicyForm
{
    public static readonly string[] DayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    public bool AnyTime { get; set; }
    public HashSet<string> Days { get; } = [];
    public string From { get; set; } = "09:00";
    public string To { get; set; } = "20:00";
    public HashSet<string> RetryOutcomes { get; } = [];
    public string Delays { get; set; } = "";
    public int MaxAttempts { get; set; } = 3;
    public int MaxCallsPerNumberPer24h { get; set; } = 3;
    public decimal? SpendCap { get; set; }
    public bool RequireConsent { get; set; }
    /// <summary>The other phone lines of the pool (the campaign's own line is always used too).</summary>
    public HashSet<long> PoolLineIds { get; } = [];
    public bool LocalPresence { get; set; }
    public double? CallStartsPerSecond { get; set; }
    /// <summary>"2026-05-01T09:00" in <see cref="Zone"/>, as a datetime-local input gives it; empty = none.</summary>
    public string StartAt { get; set; } = "";
    public string EndAt { get; set; } = "";
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
    private DateTime? _loadedStart, _loadedEnd;

    private const string LocalFormat = "yyyy-MM-dd'T'HH:mm";

    public static PolicyForm Of(CampaignPolicy p, TimeZoneInfo? zone = null)
    {
        var form = new PolicyForm
        {
            Zone = zone ?? TimeZoneInfo.Utc, LocalPresence = p.LocalPresence, CallStartsPerSecond = p.CallStartsPerSecond,
            _loadedStart = p.StartAt, _loadedEnd = p.EndAt,
            AnyTime = p.CallingWindow is null, From = p.CallingWindow?.From ?? "09:00", To = p.CallingWindow?.To ?? "20:00",
            Delays = string.Join(", ", p.Retry.Delays.Select(Minutes)), MaxAttempts = p.Retry.MaxAttempts,
            MaxCallsPerNumberPer24h = p.MaxCallsPerNumberPer24h, SpendCap = p.SpendCap, RequireConsent = p.RequireConsent,
        };
        form.Days.UnionWith(p.CallingWindow?.Days ?? CallingWindow.Weekdays9To8.Days);
        form.RetryOutcomes.UnionWith(p.Retry.Outcomes);
        form.PoolLineIds.UnionWith(p.PhoneLineIds);
        (form.StartAt, form.EndAt) = (form.Local(p.StartAt), form.Local(p.EndAt));
        return form;
    }

    /// <summary>The browser answered with its zone: the times typed so far keep their instant.</summary>
    public void UseZone(TimeZoneInfo zone)
    {
        var (start, end) = (Utc(StartAt), Utc(EndAt));
        Zone = zone;
        (StartAt, EndAt) = (start is DateTime s ? Local(s) : StartAt, end is DateTime e ? Local(e) : EndAt);
    }

    public void Toggle(HashSet<string> set, string value, bool on)
    {
        if (on) set.Add(value);
        else set.Remove(value);
    }

    /// <summary>The policy JSON for the campaign: the fields this form covers (the rest keep the defaults).</summary>
    /// <param name="mainLineId">The campaign's own line: never sent as part of the pool.</param>
    public string ToJson(long? mainLineId = null)
    {
        var policy = new JsonObject
        {
            ["callingWindow"] = AnyTime ? null : new JsonObject
            {
                ["days"] = new JsonArray(DayNames.Where(Days.Contains).Select(d => (JsonNode)JsonValue.Create(d)!).ToArray()),
                ["from"] = From, ["to"] = To,
            },
            ["retry"] = new JsonObject
            {
                ["outcomes"] = new JsonArray(RetryOutcomes.Order().Select(o => (JsonNode)JsonValue.Create(o)!).ToArray()),
                ["delays"] = new JsonArray(DelayTokens().Select(d => (JsonNode)JsonValue.Create(d)!).ToArray()),
                ["maxAttempts"] = MaxAttempts,
            },
            ["maxCallsPerNumberPer24h"] = MaxCallsPerNumberPer24h,
            ["spendCap"] = SpendCap is { } cap ? JsonValue.Create((double)cap) : null,
            ["requireConsent"] = RequireConsent,
            ["phoneLineIds"] = new JsonArray(PoolLineIds.Where(id => id != mainLineId).Order().Select(id => (JsonNode)JsonValue.Create(id)).ToArray()),
            ["localPresence"] = LocalPresence,
            ["callStartsPerSecond"] = CallStartsPerSecond is { } cps ? JsonValue.Create(cps) : null,
        };
        Schedule(policy, "startAt", StartAt, _loadedStart);
        Schedule(policy, "endAt", EndAt, _loadedEnd);
        return policy.ToJsonString();
    }

    /// <summary>A changed start or end, in UTC ("Z"); a text that is no date is sent as typed, for the server to name.</summary>
    private void Schedule(JsonObject policy, string key, string typed, DateTime? loaded)
    {
        var utc = Utc(typed);
        if (string.IsNullOrWhiteSpace(typed)) { if (loaded is not null) policy[key] = null; }
        else if (utc is null) policy[key] = typed;
        else if (utc != (loaded is { } l ? l.AddTicks(-(l.Ticks % TimeSpan.TicksPerMinute)) : null)) policy[key] = utc.Value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    private string Local(DateTime? utc) => utc is { } u
        ? TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(u, DateTimeKind.Utc), Zone).ToString(LocalFormat, CultureInfo.InvariantCulture) : "";

    /// <summary>
    /// A datetime-local text in <see cref="Zone"/> as UTC; null when empty or no date. A time the clocks skip (spring
    /// forward) is read with the offset from before the change, i.e. as the hour after it.
    /// </summary>
    private DateTime? Utc(string typed)
    {
        if (!DateTime.TryParseExact(typed.Trim(), [LocalFormat, "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)) return null;
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (!Zone.IsInvalidTime(local)) return TimeZoneInfo.ConvertTimeToUtc(local, Zone);
        return DateTime.SpecifyKind(local - Zone.GetUtcOffset(local.AddHours(-3)), DateTimeKind.Utc);
    }

    /// <summary>"30, 120" → ["00:30:00", "02:00:00"]; a token that is no number of minutes is sent as typed.</summary>
    private IEnumerable<string> DelayTokens()
        => Delays.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var minutes)
                ? TimeSpan.FromMinutes(minutes).ToString("c", CultureInfo.InvariantCulture) : t);

    private static string Minutes(string delay)
        => TimeSpan.TryParse(delay, CultureInfo.InvariantCulture, out var t) ? t.TotalMinutes.ToString("0.##", CultureInfo.InvariantCulture) : delay;
}
