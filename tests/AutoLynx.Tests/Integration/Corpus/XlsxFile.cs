using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace AutoLynx.Tests.Integration.Corpus;

/// <summary>A number cell shown in Excel's Scientific format (numFmt 11, "0.00E+00"); the stored value keeps every digit.</summary>
public sealed record Scientific(double Value);

/// <summary>A cell typed as text in Excel (an apostrophe, or a Text-formatted column): a shared string whatever it looks like.</summary>
public sealed record AsText(string Value);

/// <summary>
/// Writes .xlsx workbooks the way Excel stores them, with the Open XML SDK: text in the shared string table, numbers as
/// numbers (optionally shown in scientific notation), dates as serial numbers with a date format, several sheets, rows
/// left out where a sheet has a blank row. Cell values: string, long, int, double, bool, DateTime, <see cref="Scientific"/>,
/// <see cref="AsText"/>, or null (no cell).
/// </summary>
public static class XlsxFile
{
    public sealed record Sheet(string Name, IReadOnlyList<object?[]?> Rows, bool Hidden = false);

    public static byte[] Build(params Sheet[] sheets)
    {
        using var ms = new MemoryStream();
        using (var doc = SpreadsheetDocument.Create(ms, SpreadsheetDocumentType.Workbook))
        {
            var wb = doc.AddWorkbookPart();
            wb.Workbook = new Workbook();
            var sst = wb.AddNewPart<SharedStringTablePart>();
            sst.SharedStringTable = new SharedStringTable();
            var strings = new Dictionary<string, int>();
            var styles = wb.AddNewPart<WorkbookStylesPart>();
            styles.Stylesheet = Stylesheet();
            var list = wb.Workbook.AppendChild(new Sheets());
            uint id = 1;
            foreach (var sheet in sheets)
            {
                var part = wb.AddNewPart<WorksheetPart>();
                var data = new SheetData();
                part.Worksheet = new Worksheet(data);
                for (var r = 0; r < sheet.Rows.Count; r++)
                {
                    if (sheet.Rows[r] is not { } cells) continue;          // a blank row: Excel writes no <row> for it
                    var row = new Row { RowIndex = (uint)(r + 1) };
                    for (var c = 0; c < cells.Length; c++)
                        if (Cell(cells[c], $"{Column(c)}{r + 1}", sst.SharedStringTable, strings) is { } cell) row.Append(cell);
                    data.Append(row);
                }
                list.Append(new DocumentFormat.OpenXml.Spreadsheet.Sheet
                {
                    Id = wb.GetIdOfPart(part), SheetId = id++, Name = sheet.Name,
                    State = sheet.Hidden ? SheetStateValues.Hidden : null,
                });
            }
            sst.SharedStringTable.Count = (uint)strings.Count;
            sst.SharedStringTable.UniqueCount = (uint)strings.Count;
        }
        return ms.ToArray();
    }

    /// <summary>One sheet: a header row, then the rows.</summary>
    public static byte[] Build(string sheetName, object?[] header, params object?[]?[] rows)
        => Build(new Sheet(sheetName, [header, .. rows]));

    private static Cell? Cell(object? value, string reference, SharedStringTable sst, Dictionary<string, int> strings)
    {
        Cell Number(string v, uint style = 0) => new() { CellReference = reference, CellValue = new CellValue(v), StyleIndex = style == 0 ? null : style };
        return value switch
        {
            null => null,
            string s => Shared(s),
            AsText t => Shared(t.Value),
            long l => Number(l.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            int i => Number(i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            double d => Number(d.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
            Scientific s => Number(s.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture), 1),
            DateTime dt => Number(dt.ToOADate().ToString("R", System.Globalization.CultureInfo.InvariantCulture), 2),
            bool b => new Cell { CellReference = reference, DataType = CellValues.Boolean, CellValue = new CellValue(b ? "1" : "0") },
            _ => throw new ArgumentException($"No cell for {value.GetType().Name}"),
        };

        Cell Shared(string s)
        {
            if (!strings.TryGetValue(s, out var index))
            {
                index = strings.Count;
                strings[s] = index;
                sst.Append(new SharedStringItem(new Text(s) { Space = SpaceProcessingModeValues.Preserve }));
            }
            return new Cell { CellReference = reference, DataType = CellValues.SharedString, CellValue = new CellValue(index.ToString()) };
        }
    }

    /// <summary>Style 0 General, 1 Scientific (built-in numFmt 11), 2 a date (built-in numFmt 14).</summary>
    private static Stylesheet Stylesheet() => new(
        new Fonts(new Font()) { Count = 1 },
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
        new Borders(new Border()) { Count = 1 },
        new CellStyleFormats(new CellFormat()) { Count = 1 },
        new CellFormats(
            new CellFormat(),
            new CellFormat { NumberFormatId = 11, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 14, ApplyNumberFormat = true }) { Count = 3 });

    private static string Column(int index)
    {
        var name = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26) name = (char)('A' + (n - 1) % 26) + name;
        return name;
    }
}
