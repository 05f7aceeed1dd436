using Microsoft.Extensions.Options;
using PhoneNumbers;

namespace AutoLynx.Features.Contacts;

public readonly record struct PhoneResult(string? E164, string? Error)
{
    public bool Ok => E164 is not null;
}

/// <summary>Turns what people type into E.164, or says precisely why it cannot.</summary>
public sealed class PhoneNormalizer(IOptions<PhoneOptions> options)
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private readonly string _region = options.Value.DefaultRegion.ToUpperInvariant();

    public PhoneResult Normalize(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return new(null, "Phone is empty.");
        var input = raw.Trim();
        if (input.Length > 40) return new(null, "Phone is too long to be a phone number.");
        if (input.Count(char.IsDigit) == 0) return new(null, $"Phone \"{Short(input)}\" has no digits.");
        if (input.Any(char.IsLetter) && !HasExtension(input))
            return new(null, $"Phone \"{Short(input)}\" contains letters; it is not a dialable number.");
        PhoneNumber number;
        try
        {
            // A number written with 00 or 011 and no + is international; libphonenumber reads the region's own prefix.
            number = Util.Parse(input, _region);
        }
        catch (NumberParseException ex)
        {
            return new(null, ex.ErrorType switch
            {
                ErrorType.INVALID_COUNTRY_CODE => $"Phone \"{Short(input)}\" has no valid country code.",
                ErrorType.TOO_SHORT_NSN or ErrorType.TOO_SHORT_AFTER_IDD => $"Phone \"{Short(input)}\" is too short.",
                ErrorType.TOO_LONG => $"Phone \"{Short(input)}\" is too long.",
                _ => $"Phone \"{Short(input)}\" is not a phone number.",
            });
        }
        // Digits with no "+" that are not a number of the default region, but are a valid international number
        // once "+" is put in front (e.g. 442079460958): take the international reading; it is the only one.
        if (!Util.IsValidNumber(number) && !StartsInternational(input) && TryInternational(input) is { } international)
            number = international;
        var possible = Util.IsPossibleNumberWithReason(number);
        switch (possible)
        {
            case PhoneNumberUtil.ValidationResult.TOO_SHORT:
                return new(null, $"Phone \"{Short(input)}\" is too short.");
            case PhoneNumberUtil.ValidationResult.TOO_LONG:
                return new(null, $"Phone \"{Short(input)}\" is too long.");
            case PhoneNumberUtil.ValidationResult.INVALID_COUNTRY_CODE:
                return new(null, $"Phone \"{Short(input)}\" has no valid country code.");
            case PhoneNumberUtil.ValidationResult.INVALID_LENGTH:
                return new(null, $"Phone \"{Short(input)}\" has the wrong number of digits.");
        }
        if (!Util.IsValidNumber(number))
            return new(null, $"Phone \"{Short(input)}\" is not a valid number for its country.");
        var type = Util.GetNumberType(number);
        if (type is PhoneNumberType.PREMIUM_RATE or PhoneNumberType.SHARED_COST or PhoneNumberType.PAGER or PhoneNumberType.UAN)
            return new(null, $"Phone \"{Short(input)}\" is a {type.ToString().ToLowerInvariant().Replace('_', ' ')} number, not dialled by campaigns.");
        return new(Util.Format(number, PhoneNumberFormat.E164), null);
    }

    private static bool StartsInternational(string s) => s.TrimStart().StartsWith('+');

    /// <summary>The number read as international: "+" put in front, or "00" (the prefix most of the world dials) replaced by "+".</summary>
    private static PhoneNumber? TryInternational(string input)
    {
        var s = input.TrimStart();
        foreach (var candidate in s.StartsWith("00", StringComparison.Ordinal) ? new[] { "+" + s[2..] } : ["+" + s])
        {
            try
            {
                var n = Util.Parse(candidate, "ZZ");
                if (Util.IsValidNumber(n)) return n;
            }
            catch (NumberParseException) { }
        }
        return null;
    }

    private static bool HasExtension(string s)
        => s.Contains("ext", StringComparison.OrdinalIgnoreCase) || s.Contains(" x", StringComparison.OrdinalIgnoreCase);

    private static string Short(string s) => s.Length <= 30 ? s : s[..30] + "…";

    /// <summary>For logs: keeps the country code and the last two digits.</summary>
    public static string Mask(string? e164)
    {
        if (string.IsNullOrEmpty(e164)) return "";
        if (e164.Length <= 5) return new string('*', e164.Length);
        return e164[..3] + new string('*', e164.Length - 5) + e164[^2..];
    }
}
