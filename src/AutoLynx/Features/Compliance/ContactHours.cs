using System.Collections.Concurrent;
using AutoLynx.Features.Contacts;
using NodaTime;
using PhoneNumbers;

namespace AutoLynx.Features.Compliance;

/// <summary>A contact's local-time rules: every zone it may be in with the hours that apply there, and its daily call limit.</summary>
public sealed record ContactRules(IReadOnlyList<(DateTimeZone Zone, DailyHours Hours)> Rules, int MaxCallsPer24h, IReadOnlyList<string> States)
{
    /// <summary>The first zone, to word an opening ("09:00 America/Chicago").</summary>
    public DateTimeZone? MainZone => Rules.Count > 0 ? Rules[0].Zone : null;
}

/// <summary>
/// Works out where a contact is and which hours apply: the time zones its number maps to (libphonenumber; where a
/// number maps to several, all of them), plus a <c>time_zone</c> column (IANA) when the file has one; the legal hours
/// of each zone (federal, and a US state's where stricter: the state from a <c>state</c> column and from the number's
/// location); and the campaign's window. The stricter result always wins: every rule must hold at once.
/// </summary>
public sealed class ContactHours(Microsoft.Extensions.Options.IOptionsMonitor<ComplianceOptions> options)
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private static readonly PhoneNumberOfflineGeocoder Geocoder = PhoneNumberOfflineGeocoder.GetInstance();
    private readonly ConcurrentDictionary<string, string?> _stateByPrefix = new(StringComparer.Ordinal);

    /// <summary>
    /// The rules for a contact, or null when it can never be called inside them (the window and its legal hours never
    /// overlap there). <paramref name="window"/> null = any time; <paramref name="enforceLegal"/> off (demo) = no legal hours.
    /// </summary>
    public ContactRules? For(string phone, string? extraJson, CallingWindow? window, bool enforceLegal, int maxPer24h)
    {
        var (columnZone, columnState) = Columns(extraJson);
        var zoneIds = PhoneTimeZones.For(phone).ToList();
        if (columnZone is not null && !zoneIds.Contains(columnZone)) zoneIds.Add(columnZone);
        if (zoneIds.Count == 0) zoneIds.Add(options.CurrentValue.FallbackTimeZone);
        var states = new List<string>();
        if (UsStates.Code(columnState) is { } cs) states.Add(cs);
        if (StateOfNumber(phone) is { } ns && !states.Contains(ns)) states.Add(ns);

        var legal = LegalHours.Current;
        DailyHours? hours = window is null ? null : DailyHours.Of(window);
        if (enforceLegal)
        {
            hours = hours is null ? DailyHours.Of(legal.Federal) : hours.Intersect(DailyHours.Of(legal.Federal));
            foreach (var s in states)
                if (legal.State(s) is { } rule && hours is not null)
                {
                    hours = hours.Intersect(DailyHours.Of(rule));
                    if (rule.MaxCallsPer24h is { } m && m < maxPer24h) maxPer24h = m;
                }
            if (hours is null) return null;
        }
        if (hours is null) return new ContactRules([], maxPer24h, states); // any time
        var rules = zoneIds.Select(id => DateTimeZoneProviders.Tzdb.GetZoneOrNull(id)).OfType<DateTimeZone>().Distinct()
            .Select(z => (z, hours)).ToList();
        return new ContactRules(rules, maxPer24h, states);
    }

    /// <summary>The US state a +1 number's location is in (e.g. "Florida", "Miami, FL"), or null.</summary>
    public string? StateOfNumber(string phone)
    {
        if (!phone.StartsWith("+1", StringComparison.Ordinal) || phone.Length < 5) return null;
        return _stateByPrefix.GetOrAdd(phone[..Math.Min(phone.Length, 8)], static (_, number) =>
        {
            try { return UsStates.Code(Geocoder.GetDescriptionForNumber(Util.Parse(number, "ZZ"), Locale.English)); }
            catch (NumberParseException) { return null; }
        }, phone);
    }

    private static (string? Zone, string? State) Columns(string? extraJson)
    {
        if (ContactExtra.ReadIfAny(extraJson, "time_zone", "timezone", "\"state") is not { } extra) return (null, null);
        var zone = (extra.GetValueOrDefault("time_zone") ?? extra.GetValueOrDefault("timezone"))?.Trim();
        if (zone is not null && DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone) is null) zone = null;
        return (zone, extra.GetValueOrDefault("state"));
    }
}
