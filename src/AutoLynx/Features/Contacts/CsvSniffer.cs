using System.Text;

namespace AutoLynx.Features.Contacts;

/// <summary>Looks at the first bytes of an upload: is it text, in which encoding, with which delimiter.</summary>
internal static class CsvSniffer
{
    public const int SampleSize = 64 * 1024;

    static CsvSniffer() => System.Text.Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding DetectEncoding(ReadOnlySpan<byte> sample, out string name)
    {
        if (sample.StartsWith(new byte[] { 0xEF, 0xBB, 0xBF })) { name = "utf-8 (BOM)"; return new UTF8Encoding(false); }
        if (sample.StartsWith(new byte[] { 0xFF, 0xFE })) { name = "utf-16le"; return Encoding.Unicode; }
        if (sample.StartsWith(new byte[] { 0xFE, 0xFF })) { name = "utf-16be"; return Encoding.BigEndianUnicode; }
        RejectNonText(sample);
        try
        {
            // A strict decoder throws on bytes that cannot be UTF-8. Ignore a sequence cut off at the sample's end.
            var strict = new UTF8Encoding(false, true);
            var cut = sample.Length == SampleSize ? TrimPartialUtf8(sample) : sample;
            strict.GetCharCount(cut);
            name = "utf-8";
            return new UTF8Encoding(false);
        }
        catch (DecoderFallbackException)
        {
            name = "windows-1252";
            return Encoding.GetEncoding(1252);
        }
    }

    private static void RejectNonText(ReadOnlySpan<byte> sample)
    {
        if (sample.StartsWith("PK\u0003\u0004"u8))
            throw new ImportRejectedException("This is a zip archive or an Excel workbook (.xlsx), not a CSV file. In Excel use File → Save As → CSV, then upload that.");
        if (sample.StartsWith(new byte[] { 0xD0, 0xCF, 0x11, 0xE0 }))
            throw new ImportRejectedException("This is an old Excel workbook (.xls), not a CSV file. Save it as CSV and upload that.");
        if (sample.StartsWith("%PDF"u8))
            throw new ImportRejectedException("This is a PDF document, not a CSV file.");
        var nul = sample.IndexOf((byte)0);
        if (nul >= 0)
            throw new ImportRejectedException("This file is binary, not a CSV text file. Expected a CSV with the columns name, business_name, phone.");
        var head = Encoding.ASCII.GetString(sample[..Math.Min(sample.Length, 512)]).TrimStart().ToLowerInvariant();
        if (head.StartsWith("<!doctype html") || head.StartsWith("<html") || head.StartsWith("<?xml"))
            throw new ImportRejectedException("This file is HTML or XML, not a CSV file. Expected a CSV with the columns name, business_name, phone.");
    }

    private static ReadOnlySpan<byte> TrimPartialUtf8(ReadOnlySpan<byte> s)
    {
        var i = s.Length - 1;
        var back = 0;
        while (i >= 0 && back < 4 && (s[i] & 0xC0) == 0x80) { i--; back++; }
        return i >= 0 && s[i] >= 0xC0 ? s[..i] : s;
    }

    /// <summary>The delimiter that splits the header line into the most fields (comma, semicolon, tab, pipe).</summary>
    public static char DetectDelimiter(string firstLine)
    {
        char[] candidates = [',', ';', '\t', '|'];
        var best = ',';
        var bestCount = 0;
        foreach (var c in candidates)
        {
            var n = CountOutsideQuotes(firstLine, c);
            if (n > bestCount) { best = c; bestCount = n; }
        }
        return best;
    }

    private static int CountOutsideQuotes(string line, char c)
    {
        var n = 0;
        var quoted = false;
        foreach (var ch in line)
        {
            if (ch == '"') quoted = !quoted;
            else if (ch == c && !quoted) n++;
        }
        return n;
    }
}
