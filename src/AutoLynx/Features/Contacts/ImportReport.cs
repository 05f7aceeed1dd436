namespace AutoLynx.Features.Contacts;

/// <summary>A row not imported: its number in the file (header = row 1, as a spreadsheet counts), why, and what it held.</summary>
public sealed record SkippedRow(int Row, string Reason, IReadOnlyDictionary<string, string?>? Values);

/// <summary>A row whose phone number an earlier row already has, or (<see cref="InCampaign"/>) a contact the campaign
/// already has when contacts are added to it (<see cref="FirstRow"/> is then that contact's row).</summary>
public sealed record DuplicateRow(int Row, string Phone, int FirstRow, bool InCampaign = false)
{
    public string Reason => InCampaign ? $"Already in the campaign ({Phone}, its contact of row {FirstRow})." : $"Duplicate of row {FirstRow} ({Phone}).";
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
    /// <summary>Per column of the file, the name it is stored under: name, business_name, phone and the others in snake_case.</summary>
    public IReadOnlyList<string> Columns { get; set; } = [];
    /// <summary>The header line as the file has it.</summary>
    public IReadOnlyList<string> Headers { get; set; } = [];
    /// <summary>The variables each contact gives the assistant ({{first_name}}…).</summary>
    public IReadOnlyList<string> Variables { get; set; } = [];
    /// <summary>Which columns were used: {"name": [...], "business_name": [...], "phone": [...]}, as the request's mapping field takes it.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Mapping { get; set; } = new Dictionary<string, IReadOnlyList<string>>();
    /// <summary>detected, given or remembered.</summary>
    public string MappingSource { get; set; } = "detected";
    /// <summary>For each phone column, how many of the accepted contacts are dialled on a number from it.</summary>
    public Dictionary<string, int> PhoneColumns { get; } = new(StringComparer.Ordinal);
    /// <summary>csv or xlsx.</summary>
    public string Format { get; set; } = "csv";
    /// <summary>The worksheet read (xlsx), and every sheet of the workbook.</summary>
    public string? Sheet { get; set; }
    public IReadOnlyList<string>? Sheets { get; set; }
    public string? Delimiter { get; set; }
    public string? Encoding { get; set; }
}

/// <summary>
/// A row that passed every check, ready to be stored: the number dialled, the column it came from (when the file had several
/// phone columns, or several numbers in the cell) and, if its cell had one, the extension dialled once the call is answered.
/// </summary>
public sealed record ImportedContact(int Row, string Name, string BusinessName, string Phone, IReadOnlyDictionary<string, string>? Extra,
    string? PhoneColumn = null, string? Extension = null);

/// <summary>Receives every problem row as it is found, with the fields exactly as read (the error CSV is written from it).</summary>
public interface IImportProblemSink
{
    /// <summary>Called once, before any row, with the header line as read.</summary>
    void Begin(IReadOnlyList<string> headers);
    void Skipped(SkippedRow row, IReadOnlyList<string> fields);
    void Duplicate(DuplicateRow row, IReadOnlyList<string> fields);
}

/// <summary>The file as a whole cannot be imported (not a CSV, no header, too large…), or the mapping or sheet asked for does not fit it.</summary>
public sealed class ImportRejectedException(string message, int statusCode = StatusCodes.Status400BadRequest, string? field = null) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
    /// <summary>The request field at fault ("mapping", "sheet"), or null when it is the file.</summary>
    public string? Field { get; } = field;
}
