using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutoLynx.Features.Calls;
using AutoLynx.Wire;

namespace AutoLynx.Features.Compliance;

/// <summary>
/// Reads a policy sent by a client (the <c>policy</c> form field or PATCH body) on top of a base policy: the fields sent
/// replace the base's (an explicit <c>"callingWindow": null</c> means any time), the rest stay. Every mistake comes back
/// as an error keyed by its field (<c>policy.callingWindow.from</c>), in words.
/// </summary>
public static class PolicyReader
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };
    private static readonly string[] DayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    private static readonly HashSet<string> Fields =
        ["callingWindow", "retry", "maxCallsPerNumberPer24h", "phoneLineIds", "localPresence", "callStartsPerSecond", "spendCap", "startAt", "endAt", "requireConsent"];

    public static string Serialize(CampaignPolicy policy) => JsonSerializer.Serialize(policy, Json);

    /// <summary>A stored policy (never null: a campaign made before policies existed has the default one).</summary>
    public static CampaignPolicy Deserialize(string? json)
        => string.IsNullOrWhiteSpace(json) ? CampaignPolicy.Default : JsonSerializer.Deserialize<CampaignPolicy>(json, Json) ?? CampaignPolicy.Default;

    /// <summary>Applies <paramref name="text"/> (JSON) on <paramref name="basis"/>; errors keyed by field, empty when valid.</summary>
    public static (CampaignPolicy Policy, Dictionary<string, string[]> Errors) Read(string? text, CampaignPolicy basis, DateTime now)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(text)) return (basis, errors);
        JsonObject given;
        try
        {
            given = JsonNode.Parse(text) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            errors["policy"] = ["The policy must be a JSON object, e.g. {\"callingWindow\": {\"days\": [\"mon\"], \"from\": \"09:00\", \"to\": \"20:00\"}}."];
            return (basis, errors);
        }
        foreach (var (key, _) in given)
            if (!Fields.Contains(key)) errors[$"policy.{key}"] = [$"Unknown policy field \"{key}\"; the fields are {string.Join(", ", Fields)}."];

        var p = basis;
        if (given.TryGetPropertyValue("callingWindow", out var w)) p = p with { CallingWindow = w is null ? null : Window(w, errors) };
        if (given["retry"] is { } r) p = p with { Retry = Retry(r, p.Retry, errors) };
        if (given["maxCallsPerNumberPer24h"] is { } m) p = p with { MaxCallsPerNumberPer24h = Int(m, "policy.maxCallsPerNumberPer24h", 1, 100, errors) ?? p.MaxCallsPerNumberPer24h };
        if (given.TryGetPropertyValue("phoneLineIds", out var lines)) p = p with { PhoneLineIds = Longs(lines, "policy.phoneLineIds", errors) };
        if (given["localPresence"] is { } lp) p = p with { LocalPresence = Bool(lp, "policy.localPresence", errors) ?? p.LocalPresence };
        if (given.TryGetPropertyValue("callStartsPerSecond", out var cps)) p = p with { CallStartsPerSecond = cps is null ? null : Double(cps, "policy.callStartsPerSecond", 0.01, 100, errors) };
        if (given.TryGetPropertyValue("spendCap", out var spend)) p = p with { SpendCap = spend is null ? null : (decimal?)Double(spend, "policy.spendCap", 0.01, 1_000_000, errors) };
        if (given.TryGetPropertyValue("startAt", out var start)) p = p with { StartAt = start is null ? null : Date(start, "policy.startAt", errors) };
        if (given.TryGetPropertyValue("endAt", out var end)) p = p with { EndAt = end is null ? null : Date(end, "policy.endAt", errors) };
        if (given["requireConsent"] is { } rc) p = p with { RequireConsent = Bool(rc, "policy.requireConsent", errors) ?? p.RequireConsent };

        if (p.StartAt is { } s && p.EndAt is { } e && e <= s) errors["policy.endAt"] = ["endAt must come after startAt."];
        if (given["endAt"] is not null && p.EndAt is { } past && past <= now) errors["policy.endAt"] = ["endAt is already past."];
        return (p, errors);
    }

    private static CallingWindow? Window(JsonNode node, Dictionary<string, string[]> errors)
    {
        if (node is not JsonObject o)
        {
            errors["policy.callingWindow"] = ["callingWindow must be an object {days, from, to}, or null for any time."];
            return null;
        }
        var days = new List<string>();
        if (o["days"] is JsonArray arr)
        {
            foreach (var d in arr)
            {
                var name = d is JsonValue v && v.TryGetValue<string>(out var str) ? str.Trim().ToLowerInvariant() : null;
                var day = name is null ? null : DayNames.FirstOrDefault(n => name.StartsWith(n, StringComparison.Ordinal));
                if (day is null) errors["policy.callingWindow.days"] = [$"Unknown day {d?.ToJsonString()}; use mon, tue, wed, thu, fri, sat, sun."];
                else if (!days.Contains(day)) days.Add(day);
            }
        }
        else errors["policy.callingWindow.days"] = ["days must be a list such as [\"mon\", \"tue\"]."];
        var from = Time(o["from"], "policy.callingWindow.from", errors);
        var to = Time(o["to"], "policy.callingWindow.to", errors);
        if (days.Count == 0 && !errors.ContainsKey("policy.callingWindow.days"))
            errors["policy.callingWindow.days"] = ["The window never opens: name at least one day."];
        if (from is { } f && to is { } t && t <= f)
            errors["policy.callingWindow.to"] = [$"The window never opens: \"to\" ({t:HH\\:mm}) must be later than \"from\" ({f:HH\\:mm}) on the same day."];
        return new CallingWindow(days.OrderBy(d => Array.IndexOf(DayNames, d)).ToArray(),
            from?.ToString("HH:mm", CultureInfo.InvariantCulture) ?? "00:00", to?.ToString("HH:mm", CultureInfo.InvariantCulture) ?? "00:00");
    }

    private static RetryPolicy Retry(JsonNode node, RetryPolicy basis, Dictionary<string, string[]> errors)
    {
        if (node is not JsonObject o)
        {
            errors["policy.retry"] = ["retry must be an object {outcomes, delays, maxAttempts}."];
            return basis;
        }
        var outcomes = basis.Outcomes;
        if (o["outcomes"] is { } on)
        {
            outcomes = Strings(on, "policy.retry.outcomes", errors);
            foreach (var name in outcomes)
                if (!WireNames.TryParse<CallOutcome>(name, out var outcome) || !RetryPolicies.Retryable(outcome))
                    errors["policy.retry.outcomes"] = [$"\"{name}\" cannot be retried; retryable outcomes are {string.Join(", ", RetryPolicies.RetryableNames)}."];
            outcomes = outcomes.Select(n => WireNames.TryParse<CallOutcome>(n, out var x) ? WireNames.Kind(x) : n).Distinct().ToArray();
        }
        var delays = basis.Delays;
        if (o["delays"] is { } dn)
        {
            delays = Strings(dn, "policy.retry.delays", errors);
            foreach (var d in delays)
                if (!TimeSpan.TryParse(d, CultureInfo.InvariantCulture, out var span) || span < TimeSpan.FromMinutes(1) || span > TimeSpan.FromDays(30))
                    errors["policy.retry.delays"] = [$"\"{d}\" is not a delay between 00:01:00 and 30.00:00:00 (hh:mm:ss)."];
        }
        var max = o["maxAttempts"] is { } mn ? Int(mn, "policy.retry.maxAttempts", 1, 10, errors) ?? basis.MaxAttempts : basis.MaxAttempts;
        if (max > 1 && delays.Length == 0) errors["policy.retry.delays"] = ["Give at least one delay when more than one attempt is allowed."];
        return new RetryPolicy(outcomes, delays, max);
    }

    private static TimeOnly? Time(JsonNode? node, string field, Dictionary<string, string[]> errors)
    {
        if (node is JsonValue v && v.TryGetValue<string>(out var s)
            && TimeOnly.TryParseExact(s.Trim(), ["HH:mm", "H:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)) return t;
        errors[field] = [$"{field.Split('.')[^1]} must be a time of day such as \"09:00\"."];
        return null;
    }

    private static string[] Strings(JsonNode node, string field, Dictionary<string, string[]> errors)
    {
        if (node is JsonArray a && a.All(x => x is JsonValue v && v.TryGetValue<string>(out _))) return a.Select(x => x!.GetValue<string>()).ToArray();
        errors[field] = [$"{field.Split('.')[^1]} must be a list of strings."];
        return [];
    }

    private static long[] Longs(JsonNode? node, string field, Dictionary<string, string[]> errors)
    {
        if (node is null) return [];
        if (node is JsonArray a && a.All(x => x is JsonValue v && v.TryGetValue<long>(out _))) return a.Select(x => x!.GetValue<long>()).Distinct().ToArray();
        errors[field] = [$"{field.Split('.')[^1]} must be a list of phone line ids."];
        return [];
    }

    private static int? Int(JsonNode node, string field, int min, int max, Dictionary<string, string[]> errors)
    {
        if (node is JsonValue v && v.TryGetValue<int>(out var i) && i >= min && i <= max) return i;
        errors[field] = [$"{field.Split('.')[^1]} must be a whole number from {min} to {max}."];
        return null;
    }

    private static double? Double(JsonNode node, string field, double min, double max, Dictionary<string, string[]> errors)
    {
        if (node is JsonValue v && v.TryGetValue<double>(out var d) && d >= min && d <= max) return d;
        errors[field] = [$"{field.Split('.')[^1]} must be a number from {min} to {max}."];
        return null;
    }

    private static bool? Bool(JsonNode node, string field, Dictionary<string, string[]> errors)
    {
        if (node is JsonValue v && v.TryGetValue<bool>(out var b)) return b;
        errors[field] = [$"{field.Split('.')[^1]} must be true or false."];
        return null;
    }

    private static DateTime? Date(JsonNode node, string field, Dictionary<string, string[]> errors)
    {
        if (node is JsonValue v && v.TryGetValue<string>(out var s)
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d)) return d.UtcDateTime;
        errors[field] = [$"{field.Split('.')[^1]} must be a date and time such as \"2026-12-04T09:00:00Z\"."];
        return null;
    }
}
