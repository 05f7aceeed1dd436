using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace AutoLynx.Features.Contacts;

/// <summary>
/// A CSV read as a stream (the whole file is never held in memory): encoding and delimiter detected from the first 64 KB,
/// Excel's "sep=;" line honoured, blank lines skipped, a record CsvHelper cannot read reported as unreadable and passed over.
/// </summary>
public sealed class CsvRowSource : ContactRowSource
{
    public const int MaxFieldChars = 100_000;
    private const int MaxUnreadableRowsInARow = 100;
    private readonly StreamReader _reader;
    private readonly CsvParser _parser;
    private readonly string _encodingName;
    private readonly char _delimiter;
    private int _unreadableInARow;

    private CsvRowSource(StreamReader reader, CsvParser parser, string encodingName, char delimiter)
    {
        _reader = reader;
        _parser = parser;
        _encodingName = encodingName;
        _delimiter = delimiter;
    }

    /// <param name="sample">The first bytes of the file, already read from <paramref name="rest"/>.</param>
    public static async Task<CsvRowSource> OpenAsync(ReadOnlyMemory<byte> sample, Stream rest)
    {
        var encoding = CsvSniffer.DetectEncoding(sample.Span, out var encodingName);
        var firstLine = FirstNonBlankLine(encoding.GetString(sample.Span).TrimStart('\uFEFF'));
        var hint = CsvSniffer.ExcelSeparatorHint(firstLine);
        var delimiter = hint ?? CsvSniffer.DetectDelimiter(firstLine);

        var reader = new StreamReader(new PrefixedStream(sample, rest), encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
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
        var source = new CsvRowSource(reader, new CsvParser(reader, config), encodingName, delimiter);
        try
        {
            source.Headers = await source.ReadHeaderAsync(skipHintLine: hint is not null);
            return source;
        }
        catch
        {
            await source.DisposeAsync();
            throw;
        }
    }

    public override async ValueTask<bool> ReadAsync(CancellationToken ct)
    {
        while (true)
        {
            Unreadable = null;
            try
            {
                if (!await _parser.ReadAsync()) return false;
                _unreadableInARow = 0;
            }
            catch (CsvHelperException ex)
            {
                // CsvHelper resumes after a bad record; a file that is nothing but bad records is not a CSV.
                if (++_unreadableInARow > MaxUnreadableRowsInARow)
                    throw new ImportRejectedException($"Row after row cannot be read as CSV (from row {_parser.Row - MaxUnreadableRowsInARow}); this does not look like a CSV file.");
                Row = _parser.Row;
                Fields = [];
                Unreadable = UnreadableReason(ex);
                return true;
            }
            ct.ThrowIfCancellationRequested();
            var record = _parser.Record ?? [];
            if (IsBlankRecord(record)) continue;
            Fields = record;
            Row = _parser.Row;
            return true;
        }
    }

    public override void Describe(ImportReport report)
    {
        report.Format = "csv";
        report.Encoding = _encodingName;
        report.Delimiter = _delimiter == '\t' ? "tab" : _delimiter.ToString();
    }

    private static string UnreadableReason(CsvHelperException ex) => ex is MaxFieldSizeException
        ? $"A field is longer than {MaxFieldChars.ToString("N0", CultureInfo.InvariantCulture)} characters; is a quote left open?"
        : $"The row could not be read as CSV: {ex.Message.Split('\n')[0]}";

    /// <summary>The header line: the first non-blank record (after Excel's "sep=;" line).</summary>
    private async Task<List<string>> ReadHeaderAsync(bool skipHintLine)
    {
        try
        {
            if (skipHintLine) await _parser.ReadAsync();
            while (await _parser.ReadAsync())
            {
                var record = _parser.Record ?? [];
                if (!IsBlankRecord(record)) return CleanHeaders(record);
            }
        }
        catch (CsvHelperException ex)
        {
            throw new ImportRejectedException($"The header line could not be read as CSV: {ex.Message.Split('\n')[0]}");
        }
        throw new ImportRejectedException("The file has no header line. Expected the headers name, business_name, phone.");
    }

    private static string FirstNonBlankLine(string text)
    {
        foreach (var line in text.Split(['\r', '\n']))
            if (!string.IsNullOrWhiteSpace(line)) return line;
        return "";
    }

    public override ValueTask DisposeAsync()
    {
        _parser.Dispose();
        _reader.Dispose();
        return ValueTask.CompletedTask;
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
