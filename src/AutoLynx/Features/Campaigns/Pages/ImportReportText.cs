using AutoLynx.Features.Contacts;

namespace AutoLynx.Features.Campaigns.Pages;

/// <summary>An import report in words, as the New campaign page's preview shows it: which columns, how read, which rows not taken.</summary>
internal static class ImportReportText
{
    public static string MappedColumns(ImportReport? report, string field, string separator)
        => report?.Mapping.GetValueOrDefault(field) is { } columns ? string.Join(separator, columns) : "—";

    public static string MappingSource(ImportReport? report) => report?.MappingSource switch
    {
        "given" => "your choice",
        "remembered" => "remembered from your last file like this",
        _ => "detected from the column names",
    };

    public static string ReadAs(ImportReport? report) => report is null ? "" : report.Format == "xlsx"
        ? $"Read from the sheet \"{report.Sheet}\""
        : $"Read as {report.Encoding}, separated by {(report.Delimiter == "tab" ? "tabs" : $"\"{report.Delimiter}\"")}";

    public static IEnumerable<(int Row, string Reason, string Content)> ProblemRows(ImportReport? report, int max)
        => report is null ? [] : report.Skipped.Select(s => (s.Row, s.Reason, Content(s.Values)))
            .Concat(report.Duplicates.Select(d => (d.Row, d.Reason, "")))
            .OrderBy(x => x.Row).Take(max);

    private static string Content(IReadOnlyDictionary<string, string?>? values)
    {
        if (values is null) return "";
        var text = string.Join(" · ", values.Where(v => !string.IsNullOrWhiteSpace(v.Value)).Select(v => v.Value));
        return text.Length > 120 ? text[..120] + "…" : text;
    }
}
