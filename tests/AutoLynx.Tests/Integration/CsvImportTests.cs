using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AutoLynx.Tests.Infrastructure;
using AutoLynx.Tests.Integration.Corpus;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Tests.Integration;

/// <summary>One app (SQLite) for the import tests; the report lists at most 25 problems each so the cap is exercised.</summary>
public sealed class ImportHostFixture : IAsyncLifetime
{
    public const int MaxReportedRows = 25;
    public AppHost App { get; private set; } = null!;

    public Task InitializeAsync()
    {
        App = AppHost.Start(Db.Sqlite, new Dictionary<string, string?> { ["Import:MaxReportedRows"] = MaxReportedRows.ToString() });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>The hostile-CSV corpus through HTTP: each file gives the expected report or a clear 4xx, never a 500.</summary>
public sealed class CsvImportTests(ImportHostFixture fixture) : IClassFixture<ImportHostFixture>
{
    private readonly AppHost _app = fixture.App;

    public static IEnumerable<object[]> Corpus => HostileCsvCorpus.Names;

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task Validate_HostileFile_ExpectedReportOr4xx(string name)
    {
        var c = HostileCsvCorpus.Get(name);
        using var resp = await _app.Http.PostAsync("api/campaigns/validate", AppHost.Multipart(c.Bytes));
        var body = await resp.Content.ReadAsStringAsync();
        if (c.Expect.Status is { } status)
        {
            Assert.True((int)resp.StatusCode == status, $"{name}: expected {status}, got {(int)resp.StatusCode}: {body}");
            var problem = JsonDocument.Parse(body).RootElement;
            Assert.Contains(c.Expect.DetailContains!, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
            return;
        }
        Assert.True(resp.StatusCode == HttpStatusCode.OK, $"{name}: {(int)resp.StatusCode} {body}");
        var report = JsonDocument.Parse(body).RootElement;
        AssertCounts(c.Expect, report);
        c.Check?.Invoke(report);
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task Create_HostileFile_ImportsWhatValidateAcceptsOrSavesNothing(string name)
    {
        var c = HostileCsvCorpus.Get(name);
        var before = await _app.WithDbAsync(async d => (await d.Campaigns.CountAsync(), await d.Contacts.CountAsync()));
        var ids = await _app.IdsAsync();
        using var form = AppHost.Multipart(c.Bytes, ("name", name), ("assistantId", ids.Assistant), ("phoneLineId", ids.Line), ("cap", "3"));
        using var resp = await _app.Http.PostAsync("api/campaigns", form);
        var body = await resp.Content.ReadAsStringAsync();
        if (c.Expect.Status is not null || c.Expect.Accepted == 0)
        {
            Assert.True((int)resp.StatusCode is >= 400 and < 500, $"{name}: {(int)resp.StatusCode} {body}");
            Assert.Equal(before, await _app.WithDbAsync(async d => (await d.Campaigns.CountAsync(), await d.Contacts.CountAsync())));
            return;
        }
        Assert.True(resp.StatusCode == HttpStatusCode.Created, $"{name}: {(int)resp.StatusCode} {body}");
        var created = JsonDocument.Parse(body).RootElement;
        AssertCounts(c.Expect, created.GetProperty("importReport"));
        var id = created.GetProperty("campaignId").GetInt64();
        var stored = await _app.WithDbAsync(d => d.Contacts.Where(x => x.CampaignId == id).Select(x => x.Phone).ToListAsync());
        Assert.Equal(c.Expect.Accepted, stored.Count);
        Assert.Equal(stored.Count, stored.Distinct().Count());
        Assert.Equal(c.Expect.Accepted, (await _app.GetJsonAsync($"api/campaigns/{id}")).GetProperty("counters").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Validate_RandomlyMangledFiles_Never500AndCountsAddUp()
    {
        var random = new Random(20261125);
        var basis = Encoding.UTF8.GetBytes(AppHost.SampleCsv(200) + "\"Quoted, Name\",\"Biz \"\"Q\"\"\",\"(415) 555-0999\",\"a\nb\"\n");
        byte[] noise = "\",;\t\r\n\0=+-@\"\"\u00e9\u00ff"u8.ToArray();
        for (var i = 0; i < 40; i++)
        {
            var bytes = basis.ToList();
            for (var m = random.Next(1, 30); m > 0; m--)
            {
                var at = random.Next(bytes.Count);
                switch (random.Next(3))
                {
                    case 0: bytes.Insert(at, noise[random.Next(noise.Length)]); break;
                    case 1: bytes.RemoveAt(at); break;
                    default: bytes[at] = (byte)random.Next(256); break;
                }
            }
            using var resp = await _app.Http.PostAsync("api/campaigns/validate", AppHost.Multipart(bytes.ToArray()));
            var body = await resp.Content.ReadAsStringAsync();
            Assert.True((int)resp.StatusCode < 500, $"mangled file {i}: {(int)resp.StatusCode} {body}");
            if (resp.StatusCode != HttpStatusCode.OK) continue;
            var r = JsonDocument.Parse(body).RootElement;
            Assert.Equal(r.GetProperty("totalRows").GetInt32(),
                r.GetProperty("accepted").GetInt32() + r.GetProperty("skippedCount").GetInt32() + r.GetProperty("duplicateCount").GetInt32());
        }
    }

    [Fact]
    public async Task ValidateCsv_EveryProblemRowWithReason_FormulaCellsNeutralised()
    {
        var csv = "name,business_name,phone,notes\n" +
                  "Ann Lee,Acme,(415) 555-0100,ok\n" +
                  "=1+2,@Acme,12,-5\n" +
                  "Bob Ray,+Beta,415.555.0100,=HYPERLINK(\"x\")\n" +
                  ",Gamma,4155550102,\n" +
                  "José Núñez,Café,call me 415,tab\there\n";
        using var resp = await _app.Http.PostAsync("api/campaigns/validate?format=csv", AppHost.Multipart(csv));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("text/csv", resp.Content.Headers.ContentType?.MediaType);
        Assert.Equal("contacts-not-imported.csv", resp.Content.Headers.ContentDisposition?.FileNameStar ?? resp.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal("5", resp.Headers.GetValues("X-Import-Total-Rows").Single());
        Assert.Equal("1", resp.Headers.GetValues("X-Import-Accepted").Single());
        Assert.Equal("3", resp.Headers.GetValues("X-Import-Skipped").Single());
        Assert.Equal("1", resp.Headers.GetValues("X-Import-Duplicates").Single());

        var bytes = await resp.Content.ReadAsByteArrayAsync();
        Assert.True(bytes.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }), "UTF-8 BOM so Excel reads the accents");
        var rows = ReadCsv(bytes);
        Assert.Equal(["row", "reason", "name", "business_name", "phone", "notes"], rows[0]);
        Assert.Equal(5, rows.Count);
        Assert.Equal(["3", "'=1+2", "'@Acme", "12", "'-5"], rows[1].Where((_, i) => i != 1).ToArray());
        Assert.Contains("too short", rows[1][1]);
        Assert.Equal("4", rows[2][0]);
        Assert.Equal("Duplicate of row 2 (+14155550100).", rows[2][1]);
        Assert.Equal(["Bob Ray", "'+Beta", "415.555.0100", "'=HYPERLINK(\"x\")"], rows[2][2..]);
        Assert.Equal(["5", "Name is empty."], rows[3][..2]);
        Assert.Equal("José Núñez", rows[4][2]);

        // The database keeps what was typed: a formula-like name is imported as it was written.
        var id = await _app.CreateCampaignAsync("name,business_name,phone\n=1+2,@Acme,+1 415 555 0177\n");
        var contact = (await _app.GetJsonAsync($"api/campaigns/{id}/contacts")).GetProperty("items")[0];
        Assert.Equal("=1+2", contact.GetProperty("name").GetString());
        Assert.Equal("@Acme", contact.GetProperty("businessName").GetString());
    }

    [Fact]
    public async Task Validate_ManyProblems_CountsCompleteListsCappedCsvComplete()
    {
        var sb = new StringBuilder("name,business_name,phone\n");
        for (var i = 0; i < 60; i++) sb.Append($"Bad {i},Acme,{i % 10}\n");
        for (var i = 0; i < 40; i++) sb.Append($"Ok {i},Acme,+1415555{i % 20:0000}\n");
        var csv = sb.ToString();

        var report = await (await _app.Http.PostAsync("api/campaigns/validate", AppHost.Multipart(csv))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(100, report.GetProperty("totalRows").GetInt32());
        Assert.Equal(20, report.GetProperty("accepted").GetInt32());
        Assert.Equal(60, report.GetProperty("skippedCount").GetInt32());
        Assert.Equal(20, report.GetProperty("duplicateCount").GetInt32());
        Assert.Equal(ImportHostFixture.MaxReportedRows, report.GetProperty("skipped").GetArrayLength());
        Assert.Equal(20, report.GetProperty("duplicates").GetArrayLength());
        Assert.True(report.GetProperty("truncated").GetBoolean());

        using var resp = await _app.Http.PostAsync("api/campaigns/validate?format=csv", AppHost.Multipart(csv));
        var rows = ReadCsv(await resp.Content.ReadAsByteArrayAsync());
        Assert.Equal(1 + 60 + 20, rows.Count);
        Assert.Equal(Enumerable.Range(2, 100).Where(r => r <= 61 || r >= 82).Select(r => r.ToString()), rows.Skip(1).Select(r => r[0]));
    }

    [Fact]
    public async Task Validate_UnknownFormat_400()
    {
        using var resp = await _app.Http.PostAsync("api/campaigns/validate?format=xml", AppHost.Multipart(AppHost.SampleCsv(1)));
        Assert.Equal(HttpStatusCode.BadRequest, resp.StatusCode);
    }

    internal static void AssertCounts(CsvExpectation e, JsonElement report)
    {
        var actual = (report.GetProperty("totalRows").GetInt32(), report.GetProperty("accepted").GetInt32(),
            report.GetProperty("skippedCount").GetInt32(), report.GetProperty("duplicateCount").GetInt32());
        Assert.True((e.TotalRows, e.Accepted, e.Skipped, e.Duplicates) == actual,
            $"expected (total, accepted, skipped, duplicates) {(e.TotalRows, e.Accepted, e.Skipped, e.Duplicates)}, got {actual}: {report}");
        Assert.Equal(Math.Min(e.Skipped, ImportHostFixture.MaxReportedRows), report.GetProperty("skipped").GetArrayLength());
    }

    internal static List<string[]> ReadCsv(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        using var parser = new CsvParser(reader, new CsvConfiguration(CultureInfo.InvariantCulture));
        var rows = new List<string[]>();
        while (parser.Read()) rows.Add(parser.Record!);
        return rows;
    }

}
