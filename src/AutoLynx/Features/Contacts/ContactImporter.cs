using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Contacts;

/// <summary>
/// Reads an uploaded contact list as a stream (the whole file is never held in memory), normalises phones
/// and reports row by row what it could not take. Accepted contacts go to a sink in batches; problem rows go,
/// as they are found, to an optional <see cref="IImportProblemSink"/> (the error CSV).
/// </summary>
public sealed class ContactImporter(PhoneNormalizer phones, IOptions<ImportOptions> options)
{
    public const int MaxName = 100;
    public const int MaxBusinessName = 200;
    public const int MaxFieldChars = 100_000;
    public const int PreviewRows = 10;
    public const int BatchSize = 2000;
    private const int MaxUnreadableRowsInARow = 100;

    public async Task<ImportReport> ImportAsync(Stream input, Func<IReadOnlyList<ImportedContact>, CancellationToken, Task>? sink,
        CancellationToken ct, IImportProblemSink? problems = null)
    {
        var limits = options.Value;
        var report = new ImportReport();
        var sample = new byte[CsvSniffer.SampleSize];
        var sampleLength = await ReadSampleAsync(input, sample, ct);
        if (IsBlank(sample.AsSpan(0, sampleLength)))
            throw new ImportRejectedException("The file is empty. Expected a CSV whose first line holds the headers name, business_name, phone.");
        var encoding = CsvSniffer.DetectEncoding(sample.AsSpan(0, sampleLength), out var encodingName);
        report.Encoding = encodingName;

        var firstLine = FirstNonBlankLine(encoding.GetString(sample, 0, sampleLength).TrimStart('\uFEFF'));
        var hint = CsvSniffer.ExcelSeparatorHint(firstLine);
        var delimiter = hint ?? CsvSniffer.DetectDelimiter(firstLine);
        report.Delimiter = delimiter == '\t' ? "tab" : delimiter.ToString();

        var full = new PrefixedStream(sample.AsMemory(0, sampleLength), input);
        using var reader = new StreamReader(full, encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = delimiter.ToString(),
            HasHeaderRecord = false,
            BadDataFound = null,
            MissingFieldFound = null,
            DetectColumnCountChanges = false,
            IgnoreBlankLines = true,
            TrimOptions = TrimOptions.Trim,
            MaxFieldSize = MaxFieldChars,
            BufferSize = 64 * 1024,
        };
        using var parser = new CsvParser(reader, config);

        var headers = await ReadHeaderAsync(parser, skipHintLine: hint is not null);
        var map = ContactHeaders.Map(headers);
        report.Columns = map.ColumnNames;
        problems?.Begin(headers);

        var seen = new PhoneFirstRows();
        var batch = new List<ImportedContact>(BatchSize);
        var unreadableInARow = 0;
        while (true)
        {
            string[] record;
            int row;
            try
            {
                if (!await parser.ReadAsync()) break;
                record = parser.Record ?? [];
                row = parser.Row;
                unreadableInARow = 0;
            }
            catch (CsvHelperException ex)
            {
                // CsvHelper resumes after a bad record; a file that is nothing but bad records is not a CSV.
                if (++unreadableInARow > MaxUnreadableRowsInARow)
                    throw new ImportRejectedException($"Row after row cannot be read as CSV (from row {parser.Row - MaxUnreadableRowsInARow}); this does not look like a CSV file.");
                CountRow(report, limits);
                Skip(report, limits, problems, new SkippedRow(parser.Row, UnreadableReason(ex), null), []);
                continue;
            }
            ct.ThrowIfCancellationRequested();
            if (IsBlankRecord(record)) continue;
            CountRow(report, limits);

            var (contact, skip) = ParseRow(record, headers.Count, map, row);
            if (skip is not null)
            {
                Skip(report, limits, problems, skip, record);
                continue;
            }
            if (!seen.TryAdd(contact!.Phone, row, out var firstRow))
            {
                var duplicate = new DuplicateRow(row, contact.Phone, firstRow);
                report.DuplicateCount++;
                if (report.Duplicates.Count < limits.MaxReportedRows) report.Duplicates.Add(duplicate);
                problems?.Duplicate(duplicate, record);
                continue;
            }
            report.Accepted++;
            if (report.Preview.Count < PreviewRows) report.Preview.Add(contact);
            if (sink is null) continue;
            batch.Add(contact);
            if (batch.Count >= BatchSize)
            {
                await sink(batch, ct);
                batch = new List<ImportedContact>(BatchSize);
            }
        }
        if (sink is not null && batch.Count > 0) await sink(batch, ct);
        return report;
    }

    private static string FirstNonBlankLine(string text)
    {
        foreach (var line in text.Split(['\r', '\n']))
            if (!string.IsNullOrWhiteSpace(line)) return line;
        return "";
    }

    private static void CountRow(ImportReport report, ImportOptions limits)
    {
        if (++report.TotalRows > limits.MaxRows)
            throw new ImportRejectedException(
                $"The file has more than {limits.MaxRows.ToString("N0", CultureInfo.InvariantCulture)} rows, the most one campaign takes. Split it into several files.",
                StatusCodes.Status413PayloadTooLarge);
    }

    private static void Skip(ImportReport report, ImportOptions limits, IImportProblemSink? problems, SkippedRow skip, string[] record)
    {
        report.SkippedCount++;
        if (report.Skipped.Count < limits.MaxReportedRows) report.Skipped.Add(skip);
        problems?.Skipped(skip, record);
    }

    private static string UnreadableReason(CsvHelperException ex) => ex is MaxFieldSizeException
        ? $"A field is longer than {MaxFieldChars.ToString("N0", CultureInfo.InvariantCulture)} characters; is a quote left open?"
        : $"The row could not be read as CSV: {ex.Message.Split('\n')[0]}";

    /// <summary>The header line: the first non-blank record (after Excel's "sep=;" line), trailing empty names dropped.</summary>
    private static async Task<List<string>> ReadHeaderAsync(CsvParser parser, bool skipHintLine)
    {
        try
        {
            if (skipHintLine) await parser.ReadAsync();
            while (await parser.ReadAsync())
            {
                var record = parser.Record ?? [];
                if (IsBlankRecord(record)) continue;
                var headers = record.Select(h => h.Trim().TrimStart('\uFEFF').Trim()).ToList();
                // "name,business_name,phone," (a trailing separator) names no fourth column.
                while (headers.Count > 0 && headers[^1].Length == 0) headers.RemoveAt(headers.Count - 1);
                return headers;
            }
        }
        catch (CsvHelperException ex)
        {
            throw new ImportRejectedException($"The header line could not be read as CSV: {ex.Message.Split('\n')[0]}");
        }
        throw new ImportRejectedException("The file has no header line. Expected the headers name, business_name, phone.");
    }

    private (ImportedContact? Contact, SkippedRow? Skip) ParseRow(string[] record, int headerCount, ContactHeaders map, int row)
    {
        SkippedRow Skip(string reason) => new(row, reason, Values(record, map));
        if (record.Length > headerCount && HasValueFrom(record, headerCount))
            return (null, Skip($"The row has {CountFields(record)} fields but the header has {headerCount}; is a value missing its quotes?"));
        if (record.Length < headerCount)
            return (null, Skip($"The row has {record.Length} field{(record.Length == 1 ? "" : "s")} but the header has {headerCount}; is a separator missing?"));

        var name = Words(Field(record, map.Name));
        var business = Words(Field(record, map.BusinessName));
        var phoneRaw = Field(record, map.Phone);
        if (name.Length == 0) return (null, Skip("Name is empty."));
        if (name.Length > MaxName) return (null, Skip($"Name is longer than {MaxName} characters ({name.Length})."));
        if (business.Length == 0) return (null, Skip("Business name is empty."));
        if (business.Length > MaxBusinessName) return (null, Skip($"Business name is longer than {MaxBusinessName} characters ({business.Length})."));
        var phone = phones.Normalize(phoneRaw);
        if (!phone.Ok) return (null, Skip(phone.Error!));

        Dictionary<string, string>? extra = null;
        foreach (var (index, column) in map.Extra)
        {
            var v = Field(record, index);
            if (v.Length == 0) continue;
            extra ??= new Dictionary<string, string>(StringComparer.Ordinal);
            extra[column] = v;
        }
        return (new ImportedContact(row, name, business, phone.E164!, extra), null);
    }

    private static bool HasValueFrom(string[] record, int start)
    {
        for (var i = start; i < record.Length; i++) if (!string.IsNullOrWhiteSpace(record[i])) return true;
        return false;
    }

    private static int CountFields(string[] record)
    {
        var n = record.Length;
        while (n > 0 && string.IsNullOrWhiteSpace(record[n - 1])) n--;
        return n;
    }

    private static bool IsBlankRecord(string[] record)
    {
        foreach (var f in record) if (!string.IsNullOrWhiteSpace(f)) return false;
        return true;
    }

    private static bool IsBlank(ReadOnlySpan<byte> sample)
    {
        if (sample.StartsWith(new byte[] { 0xEF, 0xBB, 0xBF })) sample = sample[3..];
        else if (sample.StartsWith(new byte[] { 0xFF, 0xFE }) || sample.StartsWith(new byte[] { 0xFE, 0xFF })) sample = sample[2..];
        foreach (var b in sample) if (b is not ((byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t' or 0)) return false;
        return true;
    }

    private static string Field(string[] record, int index) => index < record.Length ? record[index].Trim() : "";

    /// <summary>A name typed over two lines in a spreadsheet cell is one name: runs of white space become one space.</summary>
    private static string Words(string s)
    {
        var needs = false;
        for (var i = 0; i < s.Length && !needs; i++)
            needs = char.IsWhiteSpace(s[i]) && (s[i] != ' ' || (i + 1 < s.Length && char.IsWhiteSpace(s[i + 1])));
        if (!needs) return s;
        var sb = new StringBuilder(s.Length);
        foreach (var ch in s)
        {
            if (!char.IsWhiteSpace(ch)) sb.Append(ch);
            else if (sb.Length > 0 && sb[^1] != ' ') sb.Append(' ');
        }
        return sb.ToString().TrimEnd();
    }

    private static Dictionary<string, string?> Values(string[] record, ContactHeaders map)
    {
        var d = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < map.ColumnNames.Count && i < record.Length; i++)
        {
            var v = record[i];
            d.TryAdd(map.ColumnNames[i], v.Length > 200 ? v[..200] + "…" : v);
        }
        return d;
    }

    private static async Task<int> ReadSampleAsync(Stream s, byte[] buffer, CancellationToken ct)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await s.ReadAsync(buffer.AsMemory(total), ct);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}

/// <summary>A read-only stream that first replays bytes already read, then continues with the rest.</summary>
internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
{
    private ReadOnlyMemory<byte> _prefix = prefix;
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override int Read(Span<byte> buffer)
    {
        if (_prefix.IsEmpty) return rest.Read(buffer);
        var n = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..n].CopyTo(buffer);
        _prefix = _prefix[n..];
        return n;
    }
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (_prefix.IsEmpty) return await rest.ReadAsync(buffer, ct);
        return Read(buffer.Span);
    }
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct)
        => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
