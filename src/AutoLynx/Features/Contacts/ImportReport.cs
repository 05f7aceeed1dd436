namespace AutoLynx.Features.Contacts;

/// <summary>A row not imported: its number in the file (header = row 1, as a spreadsheet counts), why, and what it held.</summary>
public sealed record SkippedRow(int Row, string Reason, IReadOnlyDictionary<string, string?>? Values);

/// <summary>A row whose phone number an earlier row already has.</summary>
public sealed record DuplicateRow(int Row, string Phone, int FirstRow)
{
    public string Reason => $"Duplicate of row {FirstRow} ({Phone}).";
}

/// <summary>
/// What the import took and what it could not take, row by row. totalRows = accepted + skippedCount + duplicateCount.
/// The lists hold the first <see cref="ImportOptions.MaxReportedRows"/> problems each (memory stays flat however bad
/// the file is); the counts are always complete, and the error CSV lists every problem row.
/// </summary>
public sealed class ImportReport
{
    public int TotalRows { get; set; }
    public int Accepted { get; set; }
    public int SkippedCount { get; set; }
    public int DuplicateCount { get; set; }
    public List<SkippedRow> Skipped { get; } = [];
    public List<DuplicateRow> Duplicates { get; } = [];
    /// <summary>True when the lists above stop short of the counts.</summary>
    public bool Truncated => Skipped.Count < SkippedCount || Duplicates.Count < DuplicateCount;
    /// <summary>The first accepted contacts, for a preview.</summary>
    public List<ImportedContact> Preview { get; } = [];
    /// <summary>The columns as stored: name, business_name, phone and the other columns in snake_case.</summary>
    public IReadOnlyList<string> Columns { get; set; } = [];
    public string? Delimiter { get; set; }
    public string? Encoding { get; set; }
}

/// <summary>A row that passed every check, ready to be stored.</summary>
public sealed record ImportedContact(int Row, string Name, string BusinessName, string Phone, IReadOnlyDictionary<string, string>? Extra);

/// <summary>Receives every problem row as it is found, with the fields exactly as read (the error CSV is written from it).</summary>
public interface IImportProblemSink
{
    /// <summary>Called once, before any row, with the header line as read.</summary>
    void Begin(IReadOnlyList<string> headers);
    void Skipped(SkippedRow row, IReadOnlyList<string> fields);
    void Duplicate(DuplicateRow row, IReadOnlyList<string> fields);
}

/// <summary>The file as a whole cannot be imported (not a CSV, no header, too large…).</summary>
public sealed class ImportRejectedException(string message, int statusCode = StatusCodes.Status400BadRequest) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
