using System.Text.Json;

namespace AutoLynx.Wire;

/// <summary>
/// The one source of the names enums have outside the process: in JSON (the converters on each enum use these policies),
/// in SSE events, in CSV exports and in query strings. States are SCREAMING_SNAKE (<c>IN_PROGRESS</c>); outcomes and
/// modes are kebab-case (<c>no-answer</c>). Parsing is forgiving: <c>in-progress</c>, <c>InProgress</c> and
/// <c>IN_PROGRESS</c> all read as <c>InProgress</c>.
/// </summary>
public static class WireNames
{
    public static readonly JsonNamingPolicy StatePolicy = JsonNamingPolicy.SnakeCaseUpper;
    public static readonly JsonNamingPolicy KindPolicy = JsonNamingPolicy.KebabCaseLower;

    /// <summary>A state's wire name: <c>CallStatus.InProgress</c> → <c>IN_PROGRESS</c>.</summary>
    public static string State<T>(T value) where T : struct, Enum => StatePolicy.ConvertName(value.ToString());

    /// <summary>A kind's or outcome's wire name: <c>CallOutcome.NoAnswer</c> → <c>no-answer</c>.</summary>
    public static string Kind<T>(T value) where T : struct, Enum => KindPolicy.ConvertName(value.ToString());

    /// <summary>Reads any spelling of a named value (never a number).</summary>
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var key = text.Trim().Replace("_", "").Replace("-", "").Replace(" ", "");
        if (key.Length == 0 || char.IsDigit(key[0]) || key[0] == '+') return false;
        foreach (var name in Enum.GetNames<T>())
        {
            if (!string.Equals(name, key, StringComparison.OrdinalIgnoreCase)) continue;
            value = Enum.Parse<T>(name);
            return true;
        }
        return false;
    }

    /// <summary>The accepted values, for error messages: "busy, no-answer, voicemail".</summary>
    public static string KindList<T>() where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(Kind));

    public static string StateList<T>() where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(State));
}
