using System.Collections.Concurrent;
using PhoneNumbers;

namespace AutoLynx.Features.Contacts;

/// <summary>
/// The IANA time zone(s) of an E.164 number, from libphonenumber's prefix data (a US number by its area code, a
/// single-zone country by its country code). Pure and thread-safe; results are cached per number prefix, because the
/// data is keyed by prefix and an import asks for the same area codes over and over.
/// </summary>
public static class PhoneTimeZones
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private static readonly PhoneNumberToTimeZonesMapper Mapper = PhoneNumberToTimeZonesMapper.GetInstance();
    private static readonly string Unknown = Mapper.GetUnknownTimeZone();
    private static readonly ConcurrentDictionary<string, string[]> ByPrefix = new(StringComparer.Ordinal);

    /// <summary>
    /// Digits of the number the cache key keeps: libphonenumber's time-zone prefixes are at most 9 digits long (country
    /// code included; resources/timezones/map_data.txt), so two numbers that agree on them map to the same zones.
    /// </summary>
    private const int PrefixDigits = 9;

    /// <summary>The cache starts again past this many prefixes, so a long-running process never grows without bound.</summary>
    private const int MaxCached = 200_000;

    /// <summary>Every zone the number may be in, most likely first; empty when unknown (or not E.164).</summary>
    public static IReadOnlyList<string> For(string? e164)
    {
        if (string.IsNullOrEmpty(e164) || e164.Length < 4 || e164[0] != '+') return [];
        var key = e164.Length > PrefixDigits + 1 ? e164[..(PrefixDigits + 1)] : e164;
        if (ByPrefix.Count > MaxCached) ByPrefix.Clear();
        return ByPrefix.GetOrAdd(key, static (_, number) => Lookup(number), e164);
    }

    /// <summary>The zone to store on a contact: the first one where the number maps to several; null when unknown.</summary>
    public static string? Primary(string? e164) => For(e164) is { Count: > 0 } zones ? zones[0] : null;

    private static string[] Lookup(string e164)
    {
        PhoneNumber number;
        try
        {
            number = Util.Parse(e164, "ZZ");
        }
        catch (NumberParseException)
        {
            return [];
        }
        // The geographical lookup is a prefix search; the full one also classifies the number (mobile, toll-free…),
        // which costs more and only matters where the prefix alone says nothing.
        var zones = Mapper.GetTimeZonesForGeographicalNumber(number);
        if (IsUnknown(zones)) zones = Mapper.GetTimeZonesForNumber(number);
        return IsUnknown(zones) ? [] : zones.Where(z => z != Unknown).ToArray();
    }

    private static bool IsUnknown(IList<string> zones) => zones.Count == 0 || (zones.Count == 1 && zones[0] == Unknown);
}
