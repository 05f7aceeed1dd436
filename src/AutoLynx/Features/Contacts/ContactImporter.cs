using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Contacts;

/// <summary>How to read one upload: the mapping the person gave, the worksheet, and where remembered mappings come from.</summary>
public sealed record ImportSettings(ContactMapping? Mapping = null, string? Sheet = null,
    Func<IReadOnlyList<string>, CancellationToken, Task<ContactMapping?>>? Remembered = null)
{
    public static readonly ImportSettings Default = new();
}

/// <summary>A first look at a file for the mapping step: its columns with sample values and what auto-detection found.</summary>
public sealed record FileInspection(string Format, string? Sheet, IReadOnlyList<string>? Sheets, IReadOnlyList<string> Headers,
    IReadOnlyList<IReadOnlyList<string>> Samples, DetectedColumns Detected);

/// <summary>
/// Reads an uploaded contact list (CSV or .xlsx) as a stream (the whole file is never held in memory), maps its columns,
/// normalises phones and reports row by row what it could not take. Accepted contacts go to a sink in batches; problem
/// rows go, as they are found, to an optional <see cref="IImportProblemSink"/> (the error CSV).
/// </summary>
public sealed class ContactImporter(PhoneNormalizer phones, IOptions<ImportOptions> options, IServiceScopeFactory scopes)
{
    /// <summary>Why a row whose number is on the do-not-call list is not imported.</summary>
    public const string OnDoNotCallList = "The number is on the do-not-call list.";

    public const int MaxName = ContactRowParser.MaxName;
    public const int MaxBusinessName = ContactRowParser.MaxBusinessName;
    public const int PreviewRows = 10;
    public const int BatchSize = 2000;

    public async Task<ImportReport> ImportAsync(Stream input, Func<IReadOnlyList<ImportedContact>, CancellationToken, Task>? sink,
        CancellationToken ct, IImportProblemSink? problems = null, ImportSettings? settings = null)
    {
        settings ??= ImportSettings.Default;
        var limits = options.Value;
        // The do-not-call list is read on a connection of its own: the caller's is busy writing the contacts.
        await using var dncScope = scopes.CreateAsyncScope();
        var listedOf = await dncScope.ServiceProvider.GetRequiredService<Compliance.DncService>().CheckerAsync(ct);
        var report = new ImportReport();
        await using var source = await OpenAsync(input, settings.Sheet, ct);
        source.Describe(report);
        var map = await ResolveAsync(source.Headers, settings, ct);
        report.Headers = source.Headers;
        report.Columns = map.ColumnNames;
        report.Variables = map.Variables;
        report.Mapping = map.Mapping.ToDictionary();
        report.MappingSource = map.Source.ToString().ToLowerInvariant();
        problems?.Begin(source.Headers);

        // A spreadsheet row always has the header's width; a CSV line can have more or fewer fields.
        var parser = new ContactRowParser(map, phones, checkFieldCount: source is CsvRowSource);
        var seen = new PhoneFirstRows();
        var onlyPhoneColumn = map.Headers[map.Phones[0]];
        var batch = new List<ImportedContact>(BatchSize);
        var pending = new List<(ImportedContact Contact, string[]? Record)>(BatchSize);
        while (await source.ReadAsync(ct))
        {
            CountRow(report, limits);
            var record = source.Fields;
            var row = source.Row;
            if (source.Unreadable is { } why)
            {
                Skip(report, limits, problems, new SkippedRow(row, why, null), record);
                continue;
            }
            var (contact, skip) = parser.Parse(record, row);
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
            // Kept until the batch is checked against the do-not-call list (one query per batch).
            pending.Add((contact, problems is null ? null : (string[])record.Clone()));
            if (pending.Count >= BatchSize) await SettleAsync();
        }
        await SettleAsync();
        if (sink is not null && batch.Count > 0) await sink(batch, ct);
        return report;

        async Task SettleAsync()
        {
            if (pending.Count == 0) return;
            var listed = await listedOf(pending.Select(p => p.Contact.Phone).ToList(), ct);
            foreach (var (contact, record) in pending)
            {
                if (listed.Contains(contact.Phone))
                {
                    Skip(report, limits, problems, new SkippedRow(contact.Row, OnDoNotCallList, null), record ?? []);
                    continue;
                }
                report.Accepted++;
                CollectionsMarshal.GetValueRefOrAddDefault(report.PhoneColumns, contact.PhoneColumn ?? onlyPhoneColumn, out _)++;
                if (report.Preview.Count < PreviewRows) report.Preview.Add(contact);
                if (sink is null) continue;
                batch.Add(contact);
                if (batch.Count >= BatchSize)
                {
                    await sink(batch, ct);
                    batch = new List<ImportedContact>(BatchSize);
                }
            }
            pending.Clear();
        }
    }

    /// <summary>The columns of a file with a few sample values each, and what auto-detection finds; refuses only what is no contact list at all.</summary>
    public async Task<FileInspection> InspectAsync(Stream input, string? sheet, CancellationToken ct, int sampleRows = 50, int samplesPerColumn = 3)
    {
        await using var source = await OpenAsync(input, sheet, ct);
        var report = new ImportReport();
        source.Describe(report);
        var headers = source.Headers;
        var samples = headers.Select(_ => new List<string>(samplesPerColumn)).ToArray();
        for (var n = 0; n < sampleRows && await source.ReadAsync(ct); n++)
        {
            if (source.Unreadable is not null) continue;
            for (var i = 0; i < headers.Count && i < source.Fields.Length; i++)
            {
                var v = source.Fields[i].Trim();
                if (v.Length == 0 || samples[i].Count >= samplesPerColumn || samples[i].Contains(v)) continue;
                samples[i].Add(v.Length > 60 ? v[..60] + "…" : v);
            }
        }
        return new FileInspection(report.Format, report.Sheet, report.Sheets, headers, samples, ContactColumns.Detect(headers));
    }

    private static async Task<ContactHeaders> ResolveAsync(IReadOnlyList<string> headers, ImportSettings settings, CancellationToken ct)
    {
        if (settings.Mapping is { } given) return ContactHeaders.Resolve(headers, given, MappingSource.Given);
        if (settings.Remembered is { } lookup && await lookup(headers, ct) is { } remembered)
        {
            try
            {
                return ContactHeaders.Resolve(headers, remembered, MappingSource.Remembered);
            }
            catch (ImportRejectedException)
            {
                // A remembered mapping that no longer fits (it should, for the same headers) gives way to detection.
            }
        }
        return ContactHeaders.Resolve(headers, null, MappingSource.Detected);
    }

    /// <summary>Looks at the first bytes: an Excel workbook is read as one, anything else as CSV (which refuses what is not text).</summary>
    private async Task<ContactRowSource> OpenAsync(Stream input, string? sheet, CancellationToken ct)
    {
        var start = input.CanSeek ? input.Position : 0;
        var sample = new byte[CsvSniffer.SampleSize];
        var sampleLength = await ReadSampleAsync(input, sample, ct);
        if (IsBlank(sample.AsSpan(0, sampleLength)))
            throw new ImportRejectedException("The file is empty. Expected a CSV or an Excel workbook whose first line holds the headers name, business_name, phone.");
        if (!sample.AsSpan(0, sampleLength).StartsWith("PK\u0003\u0004"u8))
        {
            if (!string.IsNullOrEmpty(sheet))
                throw new ImportRejectedException("A sheet was named, but the file is not an Excel workbook (.xlsx); a CSV has no sheets.",
                    StatusCodes.Status400BadRequest, "sheet");
            return await CsvRowSource.OpenAsync(sample.AsMemory(0, sampleLength), input);
        }
        if (input.CanSeek && start == 0)
        {
            input.Position = 0;
            return XlsxRowSource.Open(input, sheet, options.Value.MaxFileBytes, ownsWorkbook: false);
        }
        // A workbook is a zip archive, read from its end: a stream that cannot seek is first copied to a temporary file.
        var copy = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await copy.WriteAsync(sample.AsMemory(0, sampleLength), ct);
            var buffer = new byte[81920];
            int n;
            while ((n = await input.ReadAsync(buffer, ct)) > 0)
            {
                await copy.WriteAsync(buffer.AsMemory(0, n), ct);
                if (copy.Length > options.Value.MaxFileBytes)
                    throw new ImportRejectedException(
                        $"The file is larger than {options.Value.MaxFileBytes / 1024 / 1024} MB, the most one upload takes. Split it into several files.",
                        StatusCodes.Status413PayloadTooLarge);
            }
            return XlsxRowSource.Open(copy, sheet, options.Value.MaxFileBytes, ownsWorkbook: true);
        }
        catch
        {
            await copy.DisposeAsync();
            throw;
        }
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

    private static bool IsBlank(ReadOnlySpan<byte> sample)
    {
        if (sample.StartsWith(new byte[] { 0xEF, 0xBB, 0xBF })) sample = sample[3..];
        else if (sample.StartsWith(new byte[] { 0xFF, 0xFE }) || sample.StartsWith(new byte[] { 0xFE, 0xFF })) sample = sample[2..];
        foreach (var b in sample) if (b is not ((byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t' or 0)) return false;
        return true;
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
