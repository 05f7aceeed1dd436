using System.Collections.Frozen;

namespace AutoLynx.Features.Compliance;

/// <summary>US state and territory names and codes, to read a <c>state</c> column or libphonenumber's location of a number.</summary>
public static class UsStates
{
    private static readonly FrozenDictionary<string, string> ByName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Alabama"] = "AL", ["Alaska"] = "AK", ["Arizona"] = "AZ", ["Arkansas"] = "AR", ["California"] = "CA", ["Colorado"] = "CO",
        ["Connecticut"] = "CT", ["Delaware"] = "DE", ["District of Columbia"] = "DC", ["Washington D.C."] = "DC", ["Washington DC"] = "DC",
        ["Florida"] = "FL", ["Georgia"] = "GA", ["Hawaii"] = "HI", ["Idaho"] = "ID", ["Illinois"] = "IL", ["Indiana"] = "IN", ["Iowa"] = "IA",
        ["Kansas"] = "KS", ["Kentucky"] = "KY", ["Louisiana"] = "LA", ["Maine"] = "ME", ["Maryland"] = "MD", ["Massachusetts"] = "MA",
        ["Michigan"] = "MI", ["Minnesota"] = "MN", ["Mississippi"] = "MS", ["Missouri"] = "MO", ["Montana"] = "MT", ["Nebraska"] = "NE",
        ["Nevada"] = "NV", ["New Hampshire"] = "NH", ["New Jersey"] = "NJ", ["New Mexico"] = "NM", ["New York"] = "NY",
        ["North Carolina"] = "NC", ["North Dakota"] = "ND", ["Ohio"] = "OH", ["Oklahoma"] = "OK", ["Oregon"] = "OR", ["Pennsylvania"] = "PA",
        ["Rhode Island"] = "RI", ["South Carolina"] = "SC", ["South Dakota"] = "SD", ["Tennessee"] = "TN", ["Texas"] = "TX", ["Utah"] = "UT",
        ["Vermont"] = "VT", ["Virginia"] = "VA", ["Washington"] = "WA", ["Washington State"] = "WA", ["West Virginia"] = "WV",
        ["Wisconsin"] = "WI", ["Wyoming"] = "WY", ["Puerto Rico"] = "PR", ["Guam"] = "GU", ["U.S. Virgin Islands"] = "VI",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> Codes = ByName.Values.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>"FL", "fl", "Florida", "Miami, FL" → "FL"; null when it names no US state.</summary>
    public static string? Code(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var t = text.Trim();
        if (t.Length == 2 && Codes.Contains(t)) return t.ToUpperInvariant();
        if (ByName.TryGetValue(t, out var code)) return code;
        var comma = t.LastIndexOf(',');
        if (comma >= 0 && comma + 1 < t.Length) return Code(t[(comma + 1)..]);
        return null;
    }
}
