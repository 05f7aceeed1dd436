using System.Text;

namespace ImportBench;

/// <summary>
/// A realistic contact list: name, company, phone in the formats people type, city and a note; about 1 % of rows
/// have a phone that is too short and 1 % repeat an earlier number. Written once per size and reused.
/// </summary>
public static class BenchFile
{
    private static readonly string[] Areas = ["415", "510", "650", "408", "212", "646", "312", "617", "206", "303"];
    private static readonly string[] Exchanges = ["234", "345", "456", "567", "678", "789", "822", "933", "244", "355"];
    private static readonly string[] Cities = ["San Francisco", "Oakland", "New York", "Chicago", "Boston", "Seattle", "Denver"];

    /// <summary>
    /// The same rows as an Excel workbook (MiniExcel's writer), plus an e-mail column as CRM exports have: phones written as +1
    /// numbers are number cells, the rest text.
    /// </summary>
    public static string EnsureXlsx(int rows)
    {
        var dir = Path.Combine(Path.GetTempPath(), "autolynx-bench");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, $"contacts-{rows}.xlsx");
        if (File.Exists(path)) return path;
        var tmp = path + ".tmp";
        using (var file = File.Create(tmp))
            MiniExcelLibs.MiniExcel.SaveAs(file, XlsxRows(rows), sheetName: "Contacts");
        File.Move(tmp, path, overwrite: true);
        return path;
    }

    private static IEnumerable<Dictionary<string, object>> XlsxRows(int rows)
    {
        for (var i = 0; i < rows; i++)
        {
            var (phone, n) = Phone(i);
            yield return new Dictionary<string, object>
            {
                ["Full Name"] = $"Person {i} Lastname",
                ["Company"] = $"Business {i % 50_000}, Inc.",
                ["Phone Number"] = n % 4 == 0 && i % 100 != 17 ? long.Parse(phone[1..]) : phone,
                ["City"] = Cities[i % Cities.Length],
                ["Notes"] = $"lead {i % 997}",
                ["Email"] = $"person{i}@business{i % 50_000}.example",
            };
        }
    }

    private static (string Phone, int N) Phone(int i)
    {
        var n = i % 100 == 51 && i > 1000 ? i - 1000 : i;       // ~1 % duplicates
        var area = Areas[n % 10];
        var exchange = Exchanges[n / 10 % 10];
        var line = (n / 100 % 10000).ToString("0000");
        var phone = i % 100 == 17 ? "555-01" : (n % 4) switch  // ~1 % too short
        {
            0 => $"+1{area}{exchange}{line}",
            1 => $"({area}) {exchange}-{line}",
            2 => $"{area}.{exchange}.{line}",
            _ => $"1-{area}-{exchange}-{line}",
        };
        return (phone, n);
    }

    public static string Ensure(int rows)
    {
        var dir = Path.Combine(Path.GetTempPath(), "autolynx-bench");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, $"contacts-{rows}.csv");
        if (File.Exists(path)) return path;
        var tmp = path + ".tmp";
        using (var w = new StreamWriter(tmp, false, new UTF8Encoding(false), 1 << 20))
        {
            w.Write("Full Name,Company,Phone Number,City,Notes\n");
            var sb = new StringBuilder(128);
            for (var i = 0; i < rows; i++)
            {
                sb.Clear();
                var (phone, _) = Phone(i);
                sb.Append("Person ").Append(i).Append(" Lastname,\"Business ").Append(i % 50_000).Append(", Inc.\",")
                    .Append(phone).Append(',').Append(Cities[i % Cities.Length]).Append(",lead ").Append(i % 997).Append('\n');
                w.Write(sb);
            }
        }
        File.Move(tmp, path, overwrite: true);
        return path;
    }
}
