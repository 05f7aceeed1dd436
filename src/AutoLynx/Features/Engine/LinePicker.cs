using PhoneNumbers;

namespace AutoLynx.Features.Engine;

/// <summary>A phone line of a campaign's pool, with what it may still carry in this pass.</summary>
public sealed class PoolLine(long id, string providerPhoneNumberId, string number, int maxConcurrent, int active, int? dailyLeft)
{
    public long Id { get; } = id;
    public string ProviderPhoneNumberId { get; } = providerPhoneNumberId;
    public string Number { get; } = number;
    public int MaxConcurrent { get; } = maxConcurrent;
    public int Active { get; set; } = active;
    /// <summary>Calls it may still place today under its daily cap; null = no cap.</summary>
    public int? DailyLeft { get; set; } = dailyLeft;

    public int Room => Math.Max(0, Math.Min(MaxConcurrent - Active, DailyLeft ?? int.MaxValue));
}

/// <summary>
/// Picks the line for each call of a pool: with local presence, one in the contact's area code (NANP) or country
/// first; otherwise, and among equals, the least used (fewest live calls for its size).
/// </summary>
public static class LinePicker
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <param name="usable">Whether the line may start a call now (pacing); consulted for the line about to be picked.</param>
    public static PoolLine? Pick(IReadOnlyList<PoolLine> lines, string contactPhone, bool localPresence, Func<PoolLine, bool> usable)
    {
        var open = lines.Where(l => l.Room > 0);
        var ordered = localPresence
            ? open.OrderByDescending(l => Closeness(l.Number, contactPhone)).ThenBy(Load).ThenBy(l => l.Id)
            : open.OrderBy(Load).ThenBy(l => l.Id);
        foreach (var line in ordered)
            if (usable(line)) return line;
        return null;
    }

    private static double Load(PoolLine l) => l.MaxConcurrent == 0 ? 1 : (double)l.Active / l.MaxConcurrent;

    /// <summary>2 = same NANP area code, 1 = same country, 0 = elsewhere.</summary>
    public static int Closeness(string line, string contact)
    {
        if (line.StartsWith("+1", StringComparison.Ordinal) && contact.StartsWith("+1", StringComparison.Ordinal))
            return line.Length >= 5 && contact.Length >= 5 && string.CompareOrdinal(line, 2, contact, 2, 3) == 0 ? 2 : 1;
        return CountryCode(line) is { } a && a == CountryCode(contact) ? 1 : 0;
    }

    private static int? CountryCode(string e164)
    {
        try { return Util.Parse(e164, "ZZ").CountryCode; }
        catch (NumberParseException) { return null; }
    }
}
