using System.Globalization;
using System.Text.Json.Nodes;

namespace AutoLynx.Features.Compliance.Pages;

/// <summary>
/// The New campaign page's "Calling hours and retries" as the person edits them, read from a policy and written back
/// as the <c>policy</c> JSON the service validates (its errors are keyed <c>policy.*</c>, shown next to the fields).
/// Delays are typed in minutes ("30, 120"); anything else is sent as typed, so the server says what is wrong with it.
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

    public static PolicyForm Of(CampaignPolicy p)
    {
        var form = new PolicyForm
        {
            AnyTime = p.CallingWindow is null, From = p.CallingWindow?.From ?? "09:00", To = p.CallingWindow?.To ?? "20:00",
            Delays = string.Join(", ", p.Retry.Delays.Select(Minutes)), MaxAttempts = p.Retry.MaxAttempts,
            MaxCallsPerNumberPer24h = p.MaxCallsPerNumberPer24h, SpendCap = p.SpendCap, RequireConsent = p.RequireConsent,
        };
        form.Days.UnionWith(p.CallingWindow?.Days ?? CallingWindow.Weekdays9To8.Days);
        form.RetryOutcomes.UnionWith(p.Retry.Outcomes);
        return form;
    }

    public void Toggle(HashSet<string> set, string value, bool on)
    {
        if (on) set.Add(value);
        else set.Remove(value);
    }

    /// <summary>The policy JSON for the campaign: the fields this form covers (the rest keep the defaults).</summary>
    public string ToJson()
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
        };
        return policy.ToJsonString();
    }

    /// <summary>"30, 120" → ["00:30:00", "02:00:00"]; a token that is no number of minutes is sent as typed.</summary>
    private IEnumerable<string> DelayTokens()
        => Delays.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var minutes)
                ? TimeSpan.FromMinutes(minutes).ToString("c", CultureInfo.InvariantCulture) : t);

    private static string Minutes(string delay)
        => TimeSpan.TryParse(delay, CultureInfo.InvariantCulture, out var t) ? t.TotalMinutes.ToString("0.##", CultureInfo.InvariantCulture) : delay;
}
