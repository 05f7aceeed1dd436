using System.Text.Json;

namespace AutoLynx.Features.Compliance;

/// <summary>One jurisdiction's calling hours (local time, to exclusive), with the source it comes from.</summary>
public sealed record HoursRule(string From, string To, string Source, string? Name = null, int? MaxCallsPer24h = null);

/// <summary>
/// The legal calling hours AutoLynx enforces (federal TCPA hours, and states that are stricter), read from the
/// documented data file <c>Features/Compliance/Data/calling-hours.json</c> with each rule's source.
/// </summary>
public sealed class LegalHours
{
    public HoursRule Federal { get; }
    public IReadOnlyDictionary<string, HoursRule> States { get; }

    private LegalHours(HoursRule federal, IReadOnlyDictionary<string, HoursRule> states)
    {
        Federal = federal;
        States = states;
    }

    public static readonly LegalHours Current = Load();

    /// <summary>A US state by its two-letter code or its name ("FL", "Florida", " florida "); null when unknown or without a rule.</summary>
    public HoursRule? State(string? state)
    {
        if (string.IsNullOrWhiteSpace(state)) return null;
        var key = state.Trim();
        if (States.TryGetValue(key.ToUpperInvariant(), out var byCode)) return byCode;
        return States.Values.FirstOrDefault(r => string.Equals(r.Name, key, StringComparison.OrdinalIgnoreCase));
    }

    private static LegalHours Load()
    {
        using var stream = typeof(LegalHours).Assembly.GetManifestResourceStream("calling-hours.json")
                           ?? throw new InvalidOperationException("calling-hours.json is missing from the build.");
        var file = JsonSerializer.Deserialize<File>(stream, JsonSerializerOptions.Web)!;
        return new LegalHours(file.Federal, file.States.ToDictionary(kv => kv.Key.ToUpperInvariant(), kv => kv.Value));
    }

    private sealed record File(HoursRule Federal, Dictionary<string, HoursRule> States);
}
