using System.Globalization;
using AutoLynx.Components.Shared;
using AutoLynx.Features.Calls;
using AutoLynx.Wire;

namespace AutoLynx.Features.Compliance.Pages;

/// <summary>A campaign's retry policy and a do-not-call entry's source, as an operator reads them.</summary>
public static class PolicyWords
{
    /// <summary>"Busy, no answer and voicemail are tried again after 30 min, then 2 h; at most 3 attempts per contact."</summary>
    public static string Retry(RetryPolicy retry)
    {
        if (retry.MaxAttempts <= 1 || retry.Outcomes.Length == 0 || retry.Delays.Length == 0) return "No retries: each contact is called once.";
        var outcomes = retry.Outcomes.Select(o => WireNames.TryParse<CallOutcome>(o, out var v) ? StatusStyles.Outcome(v).Item1 : o).ToList();
        var list = outcomes.Count == 1 ? outcomes[0] : string.Join(", ", outcomes.Take(outcomes.Count - 1)) + " and " + outcomes[^1];
        list = char.ToUpperInvariant(list[0]) + list[1..].ToLowerInvariant();
        var delays = string.Join(", then ", retry.Delays.Select(Delay));
        return $"{list} {(outcomes.Count == 1 ? "is" : "are")} tried again after {delays}; at most {retry.MaxAttempts} attempts per contact.";
    }

    /// <summary>"00:30:00" → "30 min", "02:00:00" → "2 h", "1.00:00:00" → "1 day".</summary>
    public static string Delay(string delay)
    {
        if (!TimeSpan.TryParse(delay, CultureInfo.InvariantCulture, out var t)) return delay;
        if (t.TotalDays >= 1 && t.TotalDays % 1 == 0) return t.TotalDays == 1 ? "1 day" : $"{t.TotalDays:0} days";
        if (t.TotalHours >= 1 && t.Minutes == 0) return $"{t.TotalHours:0} h";
        if (t.TotalHours >= 1) return $"{(int)t.TotalHours} h {t.Minutes} min";
        return $"{t.TotalMinutes:0} min";
    }

    /// <summary>Where a do-not-call entry came from: "added by hand", "imported", "from a contact", "said during a call".</summary>
    public static string Source(string source) => source switch
    {
        "manual" => "Added by hand",
        "import" => "Imported from a file",
        _ when source.StartsWith("contact:", StringComparison.Ordinal) => "From a contact's page",
        _ when source.StartsWith("call:", StringComparison.Ordinal) => "From a call",
        _ => source,
    };
}
