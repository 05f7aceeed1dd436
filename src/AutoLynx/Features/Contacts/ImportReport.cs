namespace AutoLynx.Features.Contacts;

public sealed record SkippedRow(int Row, string Reason, IReadOnlyDictionary<string, string?>? Values);

public sealed record DuplicateRow(int Row, string Phone, int FirstRow);

/// <summary>What the import took and what it could not take, row by row. totalRows = accepted + skipped + duplicates.</summary>
public sealed class ImportReport
{
    public int TotalRows { get; set; }
    public int Accepted { get; set; }
    public List<SkippedRow> Skipped { get; } = [];
    public List<DuplicateRow> Duplicates { get; } = [];
    /// <summary>The first accepted contacts, for a preview.</summary>
    public List<ImportedContact> Preview { get; } = [];
    public IReadOnlyList<string> Columns { get; set; } = [];
    public string? Delimiter { get; set; }
    public string? Encoding { get; set; }
}

/// <summary>A row that passed every check, ready to be stored.</summary>
public sealed record ImportedContact(int Row, string Name, string BusinessName, string Phone, IReadOnlyDictionary<string, string>? Extra);

/// <summary>The file as a whole cannot be imported (not a CSV, no header, too large…).</summary>
public sealed class ImportRejectedException(string message, int statusCode = StatusCodes.Status400BadRequest) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
