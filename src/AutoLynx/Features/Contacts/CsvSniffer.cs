using System.Text;

namespace AutoLynx.Features.Contacts;

/// <summary>Looks at the first bytes of an upload: is it text, in which encoding, with which delimiter.</summary>
internal static class CsvSniffer
{
    public const int SampleSize = 64 * 1024;

    static CsvSniffer() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

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
            return Utf8OrWindows1252;
        }
        catch (DecoderFallbackException)
        {
            name = "windows-1252";
            return Encoding.GetEncoding(1252);
        }
    }

    /// <summary>
    /// UTF-8 that reads a byte which cannot be UTF-8 as Windows-1252 instead of U+FFFD: a file that looked like UTF-8
    /// in its first 64 KB and then has "José" saved by Excel further down keeps the accent. Valid UTF-8 is unchanged.
    /// </summary>
    public static Encoding Utf8OrWindows1252 => s_utf8OrWindows1252 ??= CreateUtf8OrWindows1252();
    private static Encoding? s_utf8OrWindows1252;

    private static Encoding CreateUtf8OrWindows1252()
    {
        var e = (Encoding)new UTF8Encoding(false).Clone();
        e.DecoderFallback = new Windows1252Fallback();
        return e;
    }

    private sealed class Windows1252Fallback : DecoderFallback
    {
        public override int MaxCharCount => 4;
        public override DecoderFallbackBuffer CreateFallbackBuffer() => new Buffer();

        private sealed class Buffer : DecoderFallbackBuffer
        {
            private string _chars = "";
            private int _next;
            public override bool Fallback(byte[] bytesUnknown, int index)
            {
                _chars = Encoding.GetEncoding(1252).GetString(bytesUnknown);
                _next = 0;
                return _chars.Length > 0;
            }
            public override char GetNextChar() => _next < _chars.Length ? _chars[_next++] : '\0';
            public override bool MovePrevious()
            {
                if (_next == 0) return false;
                _next--;
                return true;
            }
            public override int Remaining => _chars.Length - _next;
            public override void Reset() { _chars = ""; _next = 0; }
        }
    }

    private static void RejectNonText(ReadOnlySpan<byte> sample)
    {
        if (sample.StartsWith("PK\u0003\u0004"u8))
            throw new ImportRejectedException("This is a zip archive or an Excel workbook (.xlsx), not a CSV file. In Excel use File → Save As → CSV, then upload that.");
        if (sample.StartsWith(new byte[] { 0xD0, 0xCF, 0x11, 0xE0 }))
            throw new ImportRejectedException("This is an old Excel workbook (.xls) or a password-protected one, not a CSV file. In Excel use File → Save As → Excel Workbook (.xlsx) or CSV, without a password, and upload that.");
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

    /// <summary>Excel's own hint on the first line, "sep=;": the delimiter it names, or null.</summary>
    public static char? ExcelSeparatorHint(string firstLine)
    {
        var line = firstLine.Trim().TrimStart('\uFEFF');
        return line.Length == 5 && line.StartsWith("sep=", StringComparison.OrdinalIgnoreCase) ? line[4] : null;
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
