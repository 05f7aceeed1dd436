using System.Globalization;
using System.Text;
using AutoLynx.Wire;
using CsvHelper;

namespace AutoLynx.Features.Contacts;

/// <summary>
/// The error report as a CSV an operator can open, fix and upload again: every row that was not imported, in file
/// order, as <c>row, reason</c> followed by the row's own fields under the file's own headers. Written as it is
/// found, so it is complete however many problems there are. Cells that a spreadsheet would run as a formula are
/// neutralised as in every CSV we write (<see cref="SpreadsheetCsv"/>); the database keeps what was typed.
/// </summary>
public sealed class ImportErrorCsv : IImportProblemSink, IDisposable
{
    public const string ContentType = SpreadsheetCsv.ContentType;
    private readonly StreamWriter _text;
    private readonly CsvWriter _csv;

    public ImportErrorCsv(Stream output)
    {
        // A BOM so Excel reads accents as UTF-8.
        _text = new StreamWriter(output, new UTF8Encoding(true), 64 * 1024, leaveOpen: true);
        _csv = SpreadsheetCsv.CreateWriter(_text);
    }

    /// <summary>Reads <paramref name="input"/> as an import (nothing saved) and writes its error CSV to <paramref name="output"/>.</summary>
    public static async Task<ImportReport> WriteAsync(ContactImporter importer, Stream input, Stream output, CancellationToken ct, ImportSettings? settings = null)
    {
        using var writer = new ImportErrorCsv(output);
        var report = await importer.ImportAsync(input, null, ct, writer, settings);
        writer.Flush();
        return report;
    }

    /// <summary>A file name for the download: "leads.csv" (or "leads.xlsx") → "leads-not-imported.csv".</summary>
    public static string FileNameFor(string? uploaded)
        => SpreadsheetCsv.FileName(Path.GetFileNameWithoutExtension(uploaded ?? ""), "contacts", "-not-imported.csv");

    public void Begin(IReadOnlyList<string> headers)
    {
        _csv.WriteField("row");
        _csv.WriteField("reason");
        foreach (var h in headers) _csv.WriteField(h);
        _csv.NextRecord();
    }

    public void Skipped(SkippedRow row, IReadOnlyList<string> fields) => Write(row.Row, row.Reason, fields);

    public void Duplicate(DuplicateRow row, IReadOnlyList<string> fields) => Write(row.Row, row.Reason, fields);

    private void Write(int row, string reason, IReadOnlyList<string> fields)
    {
        _csv.WriteField(row.ToString(CultureInfo.InvariantCulture));
        _csv.WriteField(reason);
        foreach (var f in fields) _csv.WriteField(f);
        _csv.NextRecord();
    }

    public void Flush()
    {
        _csv.Flush();
        _text.Flush();
    }

    public void Dispose()
    {
        _csv.Dispose();
        _text.Dispose();
    }
}
