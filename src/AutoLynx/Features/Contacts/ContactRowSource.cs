namespace AutoLynx.Features.Contacts;

/// <summary>
/// The records of an uploaded contact list, one at a time, whatever the file format: a CSV (<see cref="CsvRowSource"/>) or
/// an Excel workbook (<see cref="XlsxRowSource"/>). Rows are numbered as a spreadsheet shows them (the header is row 1).
/// </summary>
public abstract class ContactRowSource : IAsyncDisposable
{
    /// <summary>The header line, trailing empty names dropped.</summary>
    public IReadOnlyList<string> Headers { get; protected set; } = [];

    /// <summary>The current record's fields (valid after <see cref="ReadAsync"/> returned true).</summary>
    public string[] Fields { get; protected set; } = [];

    /// <summary>The current record's row number.</summary>
    public int Row { get; protected set; }

    /// <summary>Set when the current record could not be read at all: why. <see cref="Fields"/> is then empty.</summary>
    public string? Unreadable { get; protected set; }

    /// <summary>Moves to the next non-blank record; false at the end.</summary>
    public abstract ValueTask<bool> ReadAsync(CancellationToken ct);

    /// <summary>Says in the report how the file was read (format, encoding, delimiter, sheet).</summary>
    public abstract void Describe(ImportReport report);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    protected static bool IsBlankRecord(string[] record)
    {
        foreach (var f in record) if (!string.IsNullOrWhiteSpace(f)) return false;
        return true;
    }

    /// <summary>"name,business_name,phone," (a trailing separator, or empty cells after the last heading) names no further column.</summary>
    protected static List<string> CleanHeaders(IEnumerable<string> record)
    {
        var headers = record.Select(h => h.Trim().TrimStart('\uFEFF').Trim()).ToList();
        while (headers.Count > 0 && headers[^1].Length == 0) headers.RemoveAt(headers.Count - 1);
        return headers;
    }
}
