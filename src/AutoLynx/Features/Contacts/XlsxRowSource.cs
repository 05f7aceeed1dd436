using System.Globalization;
using System.IO.Compression;
using System.Xml;
using MiniExcelLibs;
using MiniExcelLibs.OpenXml;

namespace AutoLynx.Features.Contacts;

/// <summary>
/// One worksheet of an Excel workbook (.xlsx), read forward-only with MiniExcel: the sheet's XML is streamed, and a shared
/// string table over 5 MB is kept in a file rather than in memory, so a 50 MB workbook reads in bounded memory. The first
/// visible sheet is read unless one is named. Cells come as text: a number as its digits (a phone stored as a number
/// 14155550123 stays 14155550123, never 1.4155550123E+10), a date as yyyy-MM-dd.
/// </summary>
public sealed class XlsxRowSource : ContactRowSource
{
    /// <summary>An entry that unpacks to more than this many times the upload limit is refused (a zip bomb, not a contact list).</summary>
    private const long MaxUnpackRatio = 25;
    private readonly IEnumerator<IDictionary<string, object?>> _rows;
    private readonly string _sheet;
    private readonly IReadOnlyList<string> _sheets;
    private readonly Stream? _owned;
    private int _index;

    private XlsxRowSource(IEnumerator<IDictionary<string, object?>> rows, string sheet, IReadOnlyList<string> sheets, Stream? owned)
    {
        _rows = rows;
        _sheet = sheet;
        _sheets = sheets;
        _owned = owned;
    }

    /// <param name="workbook">Seekable, positioned anywhere; read from its start.</param>
    /// <param name="sheet">The worksheet to read, or null for the first visible one.</param>
    /// <param name="ownsWorkbook">Dispose <paramref name="workbook"/> with this source (a temporary copy).</param>
    /// <exception cref="ImportRejectedException">Not a readable workbook, no such sheet, or no header line.</exception>
    public static XlsxRowSource Open(Stream workbook, string? sheet, long maxFileBytes, bool ownsWorkbook)
    {
        var sheets = ReadSheets(workbook, maxFileBytes);
        if (sheets.Count == 0) throw new ImportRejectedException("This Excel workbook has no worksheet.");
        string chosen;
        if (string.IsNullOrWhiteSpace(sheet))
            chosen = sheets.FirstOrDefault(s => s.Visible).Name ?? sheets[0].Name;
        else
        {
            var wanted = sheet.Trim();
            chosen = sheets.Select(s => s.Name).FirstOrDefault(n => n == wanted)
                ?? sheets.Select(s => s.Name).FirstOrDefault(n => string.Equals(n, wanted, StringComparison.OrdinalIgnoreCase))
                ?? throw new ImportRejectedException(
                    $"The workbook has no sheet named \"{ContactMapping.Short(wanted)}\"; its sheets are: {string.Join(", ", sheets.Select(s => $"\"{s.Name}\""))}.",
                    StatusCodes.Status400BadRequest, "sheet");
        }
        workbook.Position = 0;
        var config = new OpenXmlConfiguration
        {
            FillMergedCells = false,
            IgnoreEmptyRows = false,            // keeps row numbers as the spreadsheet shows them
            EnableSharedStringCache = true,
            SharedStringCacheSize = 5 * 1024 * 1024,
            EnableConvertByteArray = false,
        };
        IEnumerator<IDictionary<string, object?>> rows;
        try
        {
            rows = MiniExcel.Query(new NonClosingStream(workbook), useHeaderRow: false, sheetName: chosen, excelType: ExcelType.XLSX, configuration: config)
                .Cast<IDictionary<string, object?>>().GetEnumerator();
        }
        catch (Exception ex) when (IsBadWorkbook(ex))
        {
            throw UnreadableWorkbook(ex);
        }
        var source = new XlsxRowSource(rows, chosen, sheets.Select(s => s.Name).ToArray(), ownsWorkbook ? workbook : null);
        try
        {
            source.Headers = source.ReadHeader();
            return source;
        }
        catch
        {
            rows.Dispose();
            throw;
        }
    }

    public override ValueTask<bool> ReadAsync(CancellationToken ct)
    {
        while (Next(out var cells))
        {
            ct.ThrowIfCancellationRequested();
            var fields = new string[Headers.Count];
            var i = 0;
            foreach (var (_, value) in cells)
            {
                if (i == fields.Length) break;     // cells past the last heading are not read
                fields[i++] = Text(value);
            }
            for (; i < fields.Length; i++) fields[i] = "";
            if (IsBlankRecord(fields)) continue;
            Fields = fields;
            Row = _index;
            return ValueTask.FromResult(true);
        }
        return ValueTask.FromResult(false);
    }

    public override void Describe(ImportReport report)
    {
        report.Format = "xlsx";
        report.Sheet = _sheet;
        report.Sheets = _sheets;
    }

    private List<string> ReadHeader()
    {
        while (Next(out var cells))
        {
            var record = cells.Select(c => Text(c.Value)).ToArray();
            if (!IsBlankRecord(record)) return CleanHeaders(record);
        }
        throw new ImportRejectedException($"The sheet \"{_sheet}\" has no header line. Expected the headers name, business_name, phone.");
    }

    private bool Next(out IDictionary<string, object?> cells)
    {
        try
        {
            if (!_rows.MoveNext())
            {
                cells = null!;
                return false;
            }
        }
        catch (Exception ex) when (IsBadWorkbook(ex))
        {
            throw UnreadableWorkbook(ex);
        }
        _index++;
        cells = _rows.Current;
        return true;
    }

    /// <summary>A cell as text: numbers as their digits (integers exactly), dates ISO, booleans TRUE/FALSE.</summary>
    public static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        double d when double.IsInteger(d) && Math.Abs(d) < 1e16 => ((long)d).ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateTime dt => dt.TimeOfDay == TimeSpan.Zero ? dt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : dt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        bool b => b ? "TRUE" : "FALSE",
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>The workbook's sheets in their order (xl/workbook.xml), with their visibility.</summary>
    private static List<(string Name, bool Visible)> ReadSheets(Stream workbook, long maxFileBytes)
    {
        workbook.Position = 0;
        try
        {
            using var zip = new ZipArchive(workbook, ZipArchiveMode.Read, leaveOpen: true);
            var limit = maxFileBytes * MaxUnpackRatio;
            if (zip.Entries.FirstOrDefault(e => e.Length > limit) is { } huge)
                throw new ImportRejectedException(
                    $"This workbook's part \"{huge.FullName}\" unpacks to {huge.Length / 1048576:N0} MB, more than a contact list can be; it is refused.",
                    StatusCodes.Status413PayloadTooLarge);
            var entry = zip.GetEntry("xl/workbook.xml")
                ?? throw new ImportRejectedException("This file is a zip archive but not an Excel workbook (.xlsx), and not a CSV file. Upload the contact list as .xlsx or CSV.");
            using var xml = XmlReader.Create(entry.Open(), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreWhitespace = true });
            var sheets = new List<(string, bool)>();
            while (xml.Read())
            {
                if (xml.NodeType != XmlNodeType.Element || xml.LocalName != "sheet") continue;
                var name = xml.GetAttribute("name");
                if (string.IsNullOrEmpty(name)) continue;
                var state = xml.GetAttribute("state");
                sheets.Add((name, state is null or "visible"));
            }
            return sheets;
        }
        catch (Exception ex) when (IsBadWorkbook(ex))
        {
            throw UnreadableWorkbook(ex);
        }
    }

    /// <summary>
    /// What the zip and XML readers and MiniExcel throw for a damaged or hand-made workbook is many kinds of exception; all
    /// of them mean this file cannot be read (a 400), never a bug of ours (a 500).
    /// </summary>
    private static bool IsBadWorkbook(Exception ex) => ex is not (ImportRejectedException or OperationCanceledException or OutOfMemoryException);

    private static ImportRejectedException UnreadableWorkbook(Exception ex)
        => new($"This file looks like an Excel workbook (.xlsx) but cannot be read, and it is not a CSV file: {ex.Message.Split('\n')[0]} " +
               "Open it in Excel and save it again as .xlsx, or as CSV.");

    public override async ValueTask DisposeAsync()
    {
        _rows.Dispose();
        if (_owned is not null) await _owned.DisposeAsync();
    }

    /// <summary>Lets MiniExcel close its archive without closing the upload, which its owner disposes.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
