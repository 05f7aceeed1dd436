using System.Net;
using System.Text;
using System.Text.Json;
using AutoLynx.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Tests.Integration;

/// <summary>Big files through HTTP on both databases, and the limits: over them → 413 and nothing saved.</summary>
public sealed class CsvImportVolumeTests
{
    private static readonly string[] AreaCodes = ["415", "510", "650", "408", "212", "646", "312", "617", "206", "303"];

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Create_100kRowsWithBadAndDuplicateRows_EveryValidRowStoredOnce(Db db)
    {
        const int rows = 100_000;
        var (csv, expected) = LargeFile(rows);
        await using var app = AppHost.Start(db);
        var ids = await app.IdsAsync();
        using var form = AppHost.Multipart(csv, ("name", "Big"), ("assistantId", ids.Assistant), ("phoneLineId", ids.Line), ("cap", "8"));
        using var resp = await app.Http.PostAsync("api/campaigns", form);
        var body = await resp.Content.ReadAsStringAsync();
        Assert.True(resp.StatusCode == HttpStatusCode.Created, $"{(int)resp.StatusCode}: {body[..Math.Min(body.Length, 2000)]}");
        var created = JsonDocument.Parse(body).RootElement;
        var report = created.GetProperty("importReport");
        Assert.Equal(rows, report.GetProperty("totalRows").GetInt32());
        Assert.Equal(expected.Count, report.GetProperty("accepted").GetInt32());
        var id = created.GetProperty("campaignId").GetInt64();

        var stored = await app.WithDbAsync(d => d.Contacts.AsNoTracking().Where(c => c.CampaignId == id)
            .Select(c => new { c.Phone, c.RowNumber, c.BatchIndex, c.Name, c.ExtraJson }).ToListAsync());
        Assert.Equal(expected.Count, stored.Count);
        var byPhone = stored.ToDictionary(c => c.Phone);  // throws on a phone stored twice
        foreach (var (phone, row) in expected)
        {
            Assert.True(byPhone.TryGetValue(phone, out var c), $"{phone} (row {row}) not stored");
            Assert.Equal(row, c!.RowNumber);
            Assert.Equal($"Person {row - 2}", c.Name);
        }
        // Strict batches follow file order: position / cap.
        var ordered = stored.OrderBy(c => c.RowNumber).ToList();
        for (var i = 0; i < ordered.Count; i += 997) Assert.Equal(i / 8, ordered[i].BatchIndex);
        Assert.Contains("\"segment\":\"S", ordered[0].ExtraJson);
        var summary = await app.GetJsonAsync($"api/campaigns/{id}");
        Assert.Equal(expected.Count, summary.GetProperty("counters").GetProperty("total").GetInt32());
        Assert.Equal(expected.Count, summary.GetProperty("counters").GetProperty("pending").GetInt32());
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Create_50kRowWorkbook_EveryValidRowStoredOnceWithExtensionAndSource(Db db)
    {
        const int rows = 50_000;
        var (xlsx, expected) = LargeWorkbook(rows);
        await using var app = AppHost.Start(db);
        var ids = await app.IdsAsync();
        using var form = CrmImportTests.Upload("big.xlsx", xlsx, ("name", "Big workbook"), ("assistantId", ids.Assistant), ("phoneLineId", ids.Line), ("cap", "8"));
        using var resp = await app.Http.PostAsync("api/campaigns", form);
        var body = await resp.Content.ReadAsStringAsync();
        Assert.True(resp.StatusCode == HttpStatusCode.Created, $"{(int)resp.StatusCode}: {body[..Math.Min(body.Length, 2000)]}");
        var report = JsonDocument.Parse(body).RootElement.GetProperty("importReport");
        Assert.Equal(rows, report.GetProperty("totalRows").GetInt32());
        Assert.Equal(expected.Count, report.GetProperty("accepted").GetInt32());
        Assert.Equal("xlsx", report.GetProperty("format").GetString());
        var id = JsonDocument.Parse(body).RootElement.GetProperty("campaignId").GetInt64();

        var stored = await app.WithDbAsync(d => d.Contacts.AsNoTracking().Where(c => c.CampaignId == id)
            .Select(c => new { c.Phone, c.RowNumber, c.Name, c.Extension, c.PhoneSource }).ToListAsync());
        Assert.Equal(expected.Count, stored.Count);
        var byPhone = stored.ToDictionary(c => c.Phone);
        foreach (var (phone, (row, extension, source)) in expected)
        {
            Assert.True(byPhone.TryGetValue(phone, out var c), $"{phone} (row {row}) not stored");
            Assert.Equal((row, $"First{row} Last{row}", extension, source), (c!.RowNumber, c.Name, c.Extension, c.PhoneSource));
        }
    }

    /// <summary>
    /// A workbook as a CRM exports it (MiniExcel's writer): phones as numbers in "Phone", every 10th row's in "Mobile" as text
    /// with an extension, every 50th too short.
    /// </summary>
    private static (byte[] Xlsx, Dictionary<string, (int Row, string? Extension, string Source)> Expected) LargeWorkbook(int rows)
    {
        var expected = new Dictionary<string, (int, string?, string)>();
        IEnumerable<Dictionary<string, object?>> Rows()
        {
            for (var i = 0; i < rows; i++)
            {
                var row = i + 2;
                var number = 14155550000L + i % 10000 + (i / 10000) * 10_000_000L;
                object? phone = number, mobile = null;
                if (i % 50 == 7) phone = 55501L;
                else if (i % 10 == 3)
                {
                    phone = null;
                    mobile = $"+{number} x{i % 1000}";
                    expected[$"+{number}"] = (row, (i % 1000).ToString(), "Mobile");
                }
                else expected[$"+{number}"] = (row, null, "Phone");
                yield return new Dictionary<string, object?>
                {
                    ["First Name"] = $"First{row}", ["Last Name"] = $"Last{row}", ["Company"] = $"Company {i % 977}", ["Phone"] = phone, ["Mobile"] = mobile,
                };
            }
        }
        using var ms = new MemoryStream();
        MiniExcelLibs.MiniExcel.SaveAs(ms, Rows(), sheetName: "Contacts");
        return (ms.ToArray(), expected);
    }

    [Fact]
    public async Task Create_MoreRowsThanAllowed_413AndNothingSavedEvenAfterBatchesWereWritten()
    {
        await using var app = AppHost.Start(Db.Sqlite, new Dictionary<string, string?> { ["Import:MaxRows"] = "5000" });
        var ids = await app.IdsAsync();
        var (csv, _) = LargeFile(5001);
        using var form = AppHost.Multipart(csv, ("name", "Too many"), ("assistantId", ids.Assistant), ("phoneLineId", ids.Line));
        using var resp = await app.Http.PostAsync("api/campaigns", form);
        await AssertProblemAsync(resp, 413, "more than 5,000 rows");
        Assert.Equal(0, await app.WithDbAsync(d => d.Campaigns.CountAsync()));
        Assert.Equal(0, await app.WithDbAsync(d => d.Contacts.CountAsync()));

        using var validate = await app.Http.PostAsync("api/campaigns/validate", AppHost.Multipart(csv));
        await AssertProblemAsync(validate, 413, "more than 5,000 rows");
        using var validateCsv = await app.Http.PostAsync("api/campaigns/validate?format=csv", AppHost.Multipart(csv));
        await AssertProblemAsync(validateCsv, 413, "more than 5,000 rows");

        var (fits, expected) = LargeFile(5000);
        using var ok = AppHost.Multipart(fits, ("name", "Fits"), ("assistantId", ids.Assistant), ("phoneLineId", ids.Line));
        using var created = await app.Http.PostAsync("api/campaigns", ok);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(expected.Count, await app.WithDbAsync(d => d.Contacts.CountAsync()));
    }

    [Fact]
    public async Task Create_WorkbookWithMoreRowsThanAllowed_413AndNothingSaved()
    {
        await using var app = AppHost.Start(Db.Sqlite, new Dictionary<string, string?> { ["Import:MaxRows"] = "5000" });
        var ids = await app.IdsAsync();
        var (xlsx, _) = LargeWorkbook(5001);
        using var form = CrmImportTests.Upload("big.xlsx", xlsx, ("name", "Too many"), ("assistantId", ids.Assistant), ("phoneLineId", ids.Line));
        using var resp = await app.Http.PostAsync("api/campaigns", form);
        await AssertProblemAsync(resp, 413, "more than 5,000 rows");
        Assert.Equal(0, await app.WithDbAsync(d => d.Campaigns.CountAsync()));
        Assert.Equal(0, await app.WithDbAsync(d => d.Contacts.CountAsync()));

        using var validate = await app.Http.PostAsync("api/campaigns/validate", CrmImportTests.Upload("big.xlsx", xlsx));
        await AssertProblemAsync(validate, 413, "more than 5,000 rows");

        var (fits, expected) = LargeWorkbook(5000);
        using var ok = CrmImportTests.Upload("fits.xlsx", fits, ("name", "Fits"), ("assistantId", ids.Assistant), ("phoneLineId", ids.Line));
        using var created = await app.Http.PostAsync("api/campaigns", ok);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(expected.Count, await app.WithDbAsync(d => d.Contacts.CountAsync()));
    }

    [Fact]
    public async Task Validate_WorkbookThatUnpacksFarPastTheLimit_413()
    {
        await using var app = AppHost.Start(Db.Sqlite, new Dictionary<string, string?> { ["Import:MaxFileBytes"] = (16 * 1024).ToString() });
        // A sheet of 1 MB of white space packs into a few KB: 25× the upload limit is 400 KB.
        using var ms = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(ms, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string name, string text)
            {
                using var w = new StreamWriter(zip.CreateEntry(name, System.IO.Compression.CompressionLevel.SmallestSize).Open());
                w.Write(text);
            }
            Add("xl/workbook.xml", "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheets><sheet name=\"S\" sheetId=\"1\"/></sheets></workbook>");
            Add("xl/worksheets/sheet1.xml", "<worksheet>" + new string(' ', 1024 * 1024) + "</worksheet>");
        }
        Assert.True(ms.Length < 16 * 1024, $"the workbook should be small packed: {ms.Length} bytes");
        using var resp = await app.Http.PostAsync("api/campaigns/validate", CrmImportTests.Upload("bomb.xlsx", ms.ToArray()));
        await AssertProblemAsync(resp, 413, "unpacks to");
    }

    [Fact]
    public async Task Upload_LargerThanAllowed_413SaysTheLimit()
    {
        await using var app = AppHost.Start(Db.Sqlite, new Dictionary<string, string?> { ["Import:MaxFileBytes"] = (1024 * 1024).ToString() });
        var ids = await app.IdsAsync();
        var (csv, _) = LargeFile(30_000);
        Assert.True(csv.Length > 1024 * 1024);
        using var form = AppHost.Multipart(csv, ("name", "Too big"), ("assistantId", ids.Assistant), ("phoneLineId", ids.Line));
        using var resp = await app.Http.PostAsync("api/campaigns", form);
        await AssertProblemAsync(resp, 413, "larger than 1 MB");
        using var validate = await app.Http.PostAsync("api/campaigns/validate", AppHost.Multipart(csv));
        await AssertProblemAsync(validate, 413, "larger than 1 MB");
        Assert.Equal(0, await app.WithDbAsync(d => d.Campaigns.CountAsync()));
    }

    /// <summary>
    /// A file of <paramref name="rows"/> rows: every 50th has a phone too short to be valid, every 97th repeats the phone of
    /// the row 1,000 above. Returns the bytes and, per phone that must be stored, the row of its first occurrence.
    /// </summary>
    internal static (byte[] Csv, Dictionary<string, int> Expected) LargeFile(int rows)
    {
        var sb = new StringBuilder(rows * 64);
        sb.Append("Full Name,Company,Phone Number,Segment\n");
        var expected = new Dictionary<string, int>();
        for (var i = 0; i < rows; i++)
        {
            var row = i + 2;
            string phone, written;
            if (i % 50 == 7) written = phone = "555-01";
            else
            {
                var n = i % 97 == 3 && i >= 1000 ? i - 1000 : i;
                phone = $"+1{AreaCodes[n % 10]}555{n / 10 % 10000:0000}";
                written = (n % 3) switch { 0 => phone, 1 => $"({AreaCodes[n % 10]}) 555-{n / 10 % 10000:0000}", _ => $"1-{AreaCodes[n % 10]}-555-{n / 10 % 10000:0000}" };
                expected.TryAdd(phone, row);
            }
            sb.Append("Person ").Append(i).Append(",Business ").Append(i).Append(',').Append(written).Append(",S").Append(i % 5).Append('\n');
        }
        return (Encoding.UTF8.GetBytes(sb.ToString()), expected);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage resp, int status, string detail)
    {
        var body = await resp.Content.ReadAsStringAsync();
        Assert.True((int)resp.StatusCode == status, $"expected {status}, got {(int)resp.StatusCode}: {body}");
        Assert.Contains(detail, JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString());
    }

}
