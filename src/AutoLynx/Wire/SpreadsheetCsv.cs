using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace AutoLynx.Wire;

/// <summary>
/// How AutoLynx writes a CSV that people open in a spreadsheet (the import's error rows, a campaign's export): CRLF line
/// ends, and cells that Excel, LibreOffice or Google Sheets would run as a formula (starting with =, +, -, @, tab or CR)
/// written with a leading apostrophe (CsvHelper's <see cref="InjectionOptions.Escape"/>). A phone number in E.164
/// (<c>+</c> and digits only) is left as it is: it cannot carry a formula, and the apostrophe would spoil it.
/// </summary>
public static class SpreadsheetCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    public static CsvConfiguration Configuration() => new(CultureInfo.InvariantCulture)
    {
        InjectionOptions = InjectionOptions.Escape,
        NewLine = "\r\n",
    };

    public static CsvWriter CreateWriter(TextWriter text) => new SafeWriter(text, Configuration());

    /// <summary>A download's file name: letters, digits, '-', '_' and '.' of <paramref name="stem"/> (spaces become '-'; at most 80), then the suffix.</summary>
    public static string FileName(string? stem, string fallback, string suffix)
    {
        var safe = new string((stem ?? "").Trim().Select(c => char.IsWhiteSpace(c) ? '-' : c)
            .Where(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.').Take(80).ToArray());
        return (safe.Length == 0 ? fallback : safe) + suffix;
    }

    /// <summary>A "+" followed by 4 to 15 digits and nothing else.</summary>
    public static bool IsE164(string field)
    {
        if (field.Length is < 5 or > 16 || field[0] != '+') return false;
        for (var i = 1; i < field.Length; i++)
            if (field[i] is < '0' or > '9') return false;
        return true;
    }

    private sealed class SafeWriter(TextWriter text, CsvConfiguration config) : CsvWriter(text, config)
    {
        protected override string? SanitizeForInjection(string? field)
            => field is null || IsE164(field) ? field : base.SanitizeForInjection(field);
    }
}
