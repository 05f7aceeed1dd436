using Microsoft.Extensions.Options;
using System.Text.RegularExpressions;
using PhoneNumbers;

namespace AutoLynx.Features.Contacts;

/// <summary>A number in E.164 (with the extension dialled after the call is answered, if the cell had one), or why not.</summary>
public readonly record struct PhoneResult(string? E164, string? Error, string? Extension = null)
{
    public bool Ok => E164 is not null;
}

/// <summary>Turns what people type into E.164, or says precisely why it cannot.</summary>
public sealed partial class PhoneNormalizer(IOptions<PhoneOptions> options)
{
    /// <summary>Vapi's <c>customer.extension</c> takes at most 10 characters.</summary>
    public const int MaxExtension = 10;
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private readonly string _region = options.Value.DefaultRegion.ToUpperInvariant();

    public PhoneResult Normalize(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return new(null, "Phone is empty.");
        var input = raw.Trim();
        if (input.Length > 40) return new(null, "Phone is too long to be a phone number.");
        if (input.AsSpan().IndexOfAny('E', 'e') > 0 && ScientificNotation().Match(input) is { Success: true } sci)
        {
            // "1.41555E+10": what a spreadsheet shows (and saves to CSV) for a long number. Only when the mantissa still
            // holds every digit ("1.4155550123E+10") is the number known; otherwise its last digits are gone, never guessed.
            if (ExactDigits(sci) is not { } exact) return new(null, ScientificReason(input));
            input = exact;
        }
        var (digits, letters) = CountDigitsAndLetters(input);
        if (digits == 0) return new(null, $"Phone \"{Short(input)}\" has no digits.");
        if (letters && !HasExtension(input))
            return new(null, $"Phone \"{Short(input)}\" contains letters; it is not a dialable number.");
        PhoneNumber? number = null;
        string? parseError = null;
        try
        {
            // A number written with 011 (the US international prefix) and no + is international; libphonenumber
            // reads the default region's own prefix.
            number = Util.Parse(input, _region);
        }
        catch (NumberParseException ex)
        {
            parseError = ex.ErrorType switch
            {
                ErrorType.INVALID_COUNTRY_CODE => $"Phone \"{Short(input)}\" has no valid country code.",
                ErrorType.TOO_SHORT_NSN or ErrorType.TOO_SHORT_AFTER_IDD => $"Phone \"{Short(input)}\" is too short.",
                ErrorType.TOO_LONG => $"Phone \"{Short(input)}\" is too long.",
                _ => $"Phone \"{Short(input)}\" is not a phone number.",
            };
        }
        // GetNumberType is UNKNOWN exactly when the number is not valid; it is the costly check, so it runs once.
        var type = number is null ? PhoneNumberType.UNKNOWN : Util.GetNumberType(number);
        // Digits with no "+" that are not a number of the default region, but are a valid international number
        // once "+" is put in front (e.g. 442079460958): take the international reading; it is the only one.
        if (type == PhoneNumberType.UNKNOWN && !input.StartsWith('+') && TryInternational(input) is { } international)
            (number, type) = international;
        if (number is null) return new(null, parseError);
        if (type == PhoneNumberType.UNKNOWN)
        {
            return new(null, Util.IsPossibleNumberWithReason(number) switch
            {
                PhoneNumberUtil.ValidationResult.TOO_SHORT => $"Phone \"{Short(input)}\" is too short.",
                PhoneNumberUtil.ValidationResult.TOO_LONG => $"Phone \"{Short(input)}\" is too long.",
                PhoneNumberUtil.ValidationResult.INVALID_COUNTRY_CODE => $"Phone \"{Short(input)}\" has no valid country code.",
                PhoneNumberUtil.ValidationResult.INVALID_LENGTH => $"Phone \"{Short(input)}\" has the wrong number of digits.",
                _ => $"Phone \"{Short(input)}\" is not a valid number for its country.",
            });
        }
        if (type is PhoneNumberType.PREMIUM_RATE or PhoneNumberType.SHARED_COST or PhoneNumberType.PAGER or PhoneNumberType.UAN)
            return new(null, $"Phone \"{Short(input)}\" is a {type.ToString().ToLowerInvariant().Replace('_', ' ')} number, not dialled by campaigns.");
        string? extension = null;
        if (number.HasExtension && number.Extension.Length > 0)
        {
            if (number.Extension.Length > MaxExtension)
                return new(null, $"Phone \"{Short(input)}\" has an extension longer than {MaxExtension} digits.");
            extension = number.Extension;
        }
        return new(Util.Format(number, PhoneNumberFormat.E164), null, extension);
    }

    /// <summary>The skip reason for a number a spreadsheet turned into scientific notation: what happened, and how to fix it.</summary>
    public static string ScientificReason(string input)
        => $"Phone \"{Short(input.Trim())}\" is in scientific notation: a spreadsheet (Excel does this to long numbers) shortened it " +
           "and its last digits are lost, so it is not dialled. Format the phone column as Text, paste the numbers again from " +
           "the original export, and save the file again.";

    [GeneratedRegex(@"^[+]?(?<int>\d)(?:[.,](?<frac>\d+))?[eE]\+?(?<exp>\d{1,3})$", RegexOptions.CultureInvariant)]
    private static partial Regex ScientificNotation();

    /// <summary>"1.4155550123E+10" → "14155550123" (every digit present); "1.41555E+10" → null (digits filled with zeros).</summary>
    private static string? ExactDigits(Match m)
    {
        var frac = m.Groups["frac"].Value;
        var exp = int.Parse(m.Groups["exp"].Value, System.Globalization.CultureInfo.InvariantCulture);
        return frac.Length == exp ? m.Groups["int"].Value + frac : null;
    }

    private static (int Digits, bool Letters) CountDigitsAndLetters(string s)
    {
        var digits = 0;
        var letters = false;
        foreach (var ch in s)
        {
            if (char.IsDigit(ch)) digits++;
            else if (char.IsLetter(ch)) letters = true;
        }
        return (digits, letters);
    }

    /// <summary>The number read as international: "+" put in front, or "00" (the prefix most of the world dials) replaced by "+".</summary>
    private static (PhoneNumber, PhoneNumberType)? TryInternational(string input)
    {
        var candidate = input.StartsWith("00", StringComparison.Ordinal) ? "+" + input[2..] : "+" + input;
        try
        {
            var n = Util.Parse(candidate, "ZZ");
            var type = Util.GetNumberType(n);
            return type == PhoneNumberType.UNKNOWN ? null : (n, type);
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    /// <summary>"… ext. 204", "… x204", "… extension 204", "… #204", "…;ext=204": the letters are an extension, not a typo.</summary>
    private static bool HasExtension(string s) => Extension().IsMatch(s);

    [GeneratedRegex(@"(?:e?xt(?:ension|n)?|x|#|;ext=)\s*[.:=]?\s*\d{1,20}#?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Extension();

    private static string Short(string s) => s.Length <= 30 ? s : s[..30] + "…";

    /// <summary>For logs: keeps the country code and the last two digits.</summary>
    public static string Mask(string? e164)
    {
        if (string.IsNullOrEmpty(e164)) return "";
        if (e164.Length <= 5) return new string('*', e164.Length);
        return e164[..3] + new string('*', e164.Length - 5) + e164[^2..];
    }
}
