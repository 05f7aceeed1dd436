using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Contacts;

/// <summary>
/// Reads an uploaded contact list as a stream (the whole file is never held in memory), normalises phones
/// and reports row by row what it could not take. Accepted contacts go to a sink in batches.
/// </summary>
public sealed class ContactImporter(PhoneNormalizer phones, IOptions<ImportOptions> options)
{
    public const int MaxName = 100;
    public const int MaxBusinessName = 200;
    public const int PreviewRows = 10;
    public const int BatchSize = 2000;

    /// <summary>Header spellings people use for the three required columns (compared after lower-casing and removing spaces, dashes and underscores).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Aliases = new Dictionary<string, string[]>
    {
        ["name"] = ["name", "fullname", "contactname", "contact", "firstname", "person", "customername"],
        ["business_name"] = ["businessname", "business", "company", "companyname", "organization", "organisation", "account", "accountname", "firm"],
        ["phone"] = ["phone", "phonenumber", "phoneno", "mobile", "mobilenumber", "cell", "cellphone", "telephone", "tel", "number", "phone#", "mobilephone"],
    };

    public async Task<ImportReport> ImportAsync(Stream input, Func<IReadOnlyList<ImportedContact>, CancellationToken, Task>? sink, CancellationToken ct)
    {
        var report = new ImportReport();
        var sample = new byte[CsvSniffer.SampleSize];
        var sampleLength = await ReadSampleAsync(input, sample, ct);
        if (sampleLength == 0 || sample.AsSpan(0, sampleLength).Trim((byte)' ').Trim("\r\n\t"u8).IsEmpty)
            throw new ImportRejectedException("The file is empty. Expected a CSV whose first line holds the headers name, business_name, phone.");
        var encoding = CsvSniffer.DetectEncoding(sample.AsSpan(0, sampleLength), out var encodingName);
        report.Encoding = encodingName;

        var text = encoding.GetString(sample, 0, sampleLength).TrimStart('\uFEFF');
        var firstLine = text.Split('\n', 2)[0].TrimEnd('\r');
        var delimiter = CsvSniffer.DetectDelimiter(firstLine);
        report.Delimiter = delimiter == '\t' ? "tab" : delimiter.ToString();

        var full = new PrefixedStream(sample.AsMemory(0, sampleLength), input);
        using var reader = new StreamReader(full, encoding, detectEncodingFromByteOrderMarks: true);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = delimiter.ToString(),
            HasHeaderRecord = true,
            BadDataFound = null,
            MissingFieldFound = null,
            DetectColumnCountChanges = false,
            IgnoreBlankLines = true,
            TrimOptions = TrimOptions.Trim,
            MaxFieldSize = 100_000,
        };
        using var csv = new CsvReader(reader, config);

        string[] headers;
        try
        {
            if (!await csv.ReadAsync() || csv.Parser.Record is not { Length: > 0 } h)
                throw new ImportRejectedException("The file has no header line. Expected the headers name, business_name, phone.");
            headers = h;
        }
        catch (CsvHelperException ex)
        {
            throw new ImportRejectedException($"The header line could not be read as CSV: {ex.Message.Split('\n')[0]}");
        }
        var map = MapHeaders(headers);
        report.Columns = map.ColumnNames;

        var maxRows = options.Value.MaxRows;
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var batch = new List<ImportedContact>(BatchSize);
        while (true)
        {
            bool more;
            try { more = await csv.ReadAsync(); }
            catch (CsvHelperException ex)
            {
                report.Skipped.Add(new SkippedRow(csv.Parser.Row, $"The row could not be read as CSV: {ex.Message.Split('\n')[0]}", null));
                report.TotalRows++;
                continue;
            }
            if (!more) break;
            ct.ThrowIfCancellationRequested();
            var record = csv.Parser.Record!;
            if (record.All(string.IsNullOrWhiteSpace)) continue;
            var row = csv.Parser.Row;
            report.TotalRows++;
            if (report.TotalRows > maxRows)
                throw new ImportRejectedException($"The file has more than {maxRows:N0} rows, the most one campaign takes. Split it into several files.", StatusCodes.Status413PayloadTooLarge);

            var result = ParseRow(record, headers.Length, map, row);
            if (result.Skip is { } skip) { report.Skipped.Add(skip); continue; }
            var contact = result.Contact!;
            if (seen.TryGetValue(contact.Phone, out var firstRow))
            {
                report.Duplicates.Add(new DuplicateRow(row, contact.Phone, firstRow));
                continue;
            }
            seen[contact.Phone] = row;
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

    private (ImportedContact? Contact, SkippedRow? Skip) ParseRow(string[] record, int headerCount, HeaderMap map, int row)
    {
        SkippedRow Skip(string reason) => new(row, reason, Values(record, map));
        if (record.Length > headerCount && record.Skip(headerCount).Any(v => !string.IsNullOrWhiteSpace(v)))
            return (null, Skip($"The row has {record.Length} fields but the header has {headerCount}."));
        if (record.Length < headerCount && record.Length <= Math.Max(map.Name, Math.Max(map.BusinessName, map.Phone)))
            return (null, Skip($"The row has {record.Length} fields but the header has {headerCount}."));

        var name = Field(record, map.Name);
        var business = Field(record, map.BusinessName);
        var phoneRaw = Field(record, map.Phone);
        if (name.Length == 0) return (null, Skip("Name is empty."));
        if (name.Length > MaxName) return (null, Skip($"Name is longer than {MaxName} characters."));
        if (business.Length == 0) return (null, Skip("Business name is empty."));
        if (business.Length > MaxBusinessName) return (null, Skip($"Business name is longer than {MaxBusinessName} characters."));
        var phone = phones.Normalize(phoneRaw);
        if (!phone.Ok) return (null, Skip(phone.Error!));

        Dictionary<string, string>? extra = null;
        foreach (var (index, column) in map.Extra)
        {
            var v = Field(record, index);
            if (v.Length == 0) continue;
            extra ??= new Dictionary<string, string>(StringComparer.Ordinal);
            extra[column] = v.Length > 2000 ? v[..2000] : v;
        }
        return (new ImportedContact(row, name, business, phone.E164!, extra), null);
    }

    private static string Field(string[] record, int index) => index < record.Length ? record[index].Trim() : "";

    private static Dictionary<string, string?> Values(string[] record, HeaderMap map)
    {
        var d = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < map.ColumnNames.Count && i < record.Length; i++)
        {
            var v = record[i];
            d.TryAdd(map.ColumnNames[i], v.Length > 200 ? v[..200] + "…" : v);
        }
        return d;
    }

    private sealed record HeaderMap(int Name, int BusinessName, int Phone, List<(int Index, string Column)> Extra, IReadOnlyList<string> ColumnNames);

    private static HeaderMap MapHeaders(string[] headers)
    {
        var keys = headers.Select(Key).ToArray();
        int Find(string field)
        {
            var aliases = Aliases[field];
            foreach (var alias in aliases)
            {
                var i = Array.IndexOf(keys, alias);
                if (i >= 0) return i;
            }
            return -1;
        }
        var name = Find("name");
        var business = Find("business_name");
        var phone = Find("phone");
        var missing = new List<string>();
        if (name < 0) missing.Add("name");
        if (business < 0) missing.Add("business_name");
        if (phone < 0) missing.Add("phone");
        if (missing.Count > 0)
        {
            var found = string.Join(", ", headers.Take(10).Select(h => $"\"{(h.Length > 40 ? h[..40] + "…" : h)}\""));
            throw new ImportRejectedException(
                $"The file is missing the required column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}. " +
                $"The first line must name the columns name, business_name and phone (found: {found}).");
        }

        var columnNames = new List<string>(headers.Length);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var extra = new List<(int, string)>();
        for (var i = 0; i < headers.Length; i++)
        {
            var snake = i == name ? "name" : i == business ? "business_name" : i == phone ? "phone" : ToSnakeCase(headers[i]);
            if (snake.Length == 0) snake = $"column_{i + 1}";
            var unique = snake;
            for (var n = 2; !used.Add(unique); n++) unique = $"{snake}_{n}";
            columnNames.Add(unique);
            if (i != name && i != business && i != phone) extra.Add((i, unique));
        }
        return new HeaderMap(name, business, phone, extra, columnNames);
    }

    private static string Key(string header)
    {
        var sb = new StringBuilder(header.Length);
        foreach (var ch in header.Trim().TrimStart('\uFEFF'))
            if (ch is not (' ' or '_' or '-' or '.')) sb.Append(char.ToLowerInvariant(ch));
        return sb.ToString();
    }

    /// <summary>"Lead Source" → lead_source, "Deal-Size ($)" → deal_size.</summary>
    public static string ToSnakeCase(string header)
    {
        var sb = new StringBuilder(header.Length);
        var pendingUnderscore = false;
        var s = header.Trim().TrimStart('\uFEFF');
        for (var i = 0; i < s.Length && sb.Length < 64; i++)
        {
            var ch = s[i];
            if (char.IsLetterOrDigit(ch))
            {
                if (char.IsUpper(ch) && i > 0 && char.IsLower(s[i - 1])) pendingUnderscore = true;
                if (pendingUnderscore && sb.Length > 0) sb.Append('_');
                pendingUnderscore = false;
                sb.Append(char.ToLowerInvariant(ch));
            }
            else pendingUnderscore = true;
        }
        return sb.ToString();
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
