using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutoLynx.Vapi;

/// <summary>Serializer settings shared by the client and the webhook parser: camelCase, lenient reads.</summary>
public static class VapiJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
            // Case-insensitive reading makes JsonObject members case-insensitive too, and then keys differing only
            // in case (campaignId / CampaignId) throw on first access. Vapi's casing is fixed: match it exactly.
            PropertyNameCaseInsensitive = false,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
            AllowTrailingCommas = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
        };
        o.Converters.Add(new LenientDateTimeOffsetConverter());
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}

/// <summary>
/// Vapi sends ISO-8601 strings for most dates but epoch milliseconds for <c>timestamp</c> (older docs: ISO).
/// Accept both; an unparseable value becomes null rather than an exception.
/// </summary>
public sealed class LenientDateTimeOffsetConverter : JsonConverter<DateTimeOffset?>
{
    public override bool HandleNull => true;

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number when reader.TryGetInt64(out var n):
                return FromEpoch(n);
            case JsonTokenType.Number:
                var d = reader.GetDouble();
                return double.IsFinite(d) && Math.Abs(d) < long.MaxValue ? FromEpoch((long)d) : null;
            case JsonTokenType.String:
                var s = reader.GetString();
                if (long.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var epoch))
                    return FromEpoch(epoch);
                if (DateTimeOffset.TryParse(s, System.Globalization.CultureInfo.InvariantCulture,
                        System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var parsed))
                    return parsed;
                return null;
            default:
                reader.Skip();
                return null;
        }
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is null) writer.WriteNullValue();
        else writer.WriteStringValue(value.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
    }

    private const long MinEpochSeconds = -62_135_596_800;
    private const long MaxEpochMs = 253_402_300_799_999;

    /// <summary>Epoch seconds or milliseconds (above 1e11 can only be ms); null when outside what a date can hold.</summary>
    public static DateTimeOffset? FromEpoch(long value)
    {
        if (value > MaxEpochMs || value < MinEpochSeconds) return null;
        return value > 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(value)
            : value < -100_000_000_000 ? null : DateTimeOffset.FromUnixTimeSeconds(value);
    }
}
