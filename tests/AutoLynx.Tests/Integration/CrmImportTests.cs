using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AutoLynx.Tests.Infrastructure;
using AutoLynx.Tests.Integration.Corpus;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Tests.Integration;

/// <summary>CRM and spreadsheet exports through HTTP: detection, the mapping field, remembered mappings, .xlsx, extensions.</summary>
public sealed class CrmImportTests(ImportHostFixture fixture) : IClassFixture<ImportHostFixture>
{
    private readonly AppHost _app = fixture.App;

    public static IEnumerable<object[]> Exports => CrmExportCorpus.Names;

    [Theory]
    [MemberData(nameof(Exports))]
    public async Task Validate_CrmExport_ExpectedReport(string name)
    {
        var c = CrmExportCorpus.Get(name);
        using var resp = await _app.Http.PostAsync("api/campaigns/validate", Upload(c.FileName, c.Bytes, c.Fields ?? []));
        var body = await resp.Content.ReadAsStringAsync();
        Assert.True(resp.StatusCode == HttpStatusCode.OK, $"{name}: {(int)resp.StatusCode} {body}");
        var report = JsonDocument.Parse(body).RootElement;
        CsvImportTests.AssertCounts(c.Expect, report);
        c.Check?.Invoke(report);
    }

    [Theory]
    [MemberData(nameof(Exports))]
    public async Task Create_CrmExport_StoresWhatValidateAcceptsWithPhoneSourceAndExtension(string name)
    {
        var c = CrmExportCorpus.Get(name);
        var report = await ValidateAsync(c.FileName, c.Bytes, c.Fields ?? []);
        var (assistant, line) = await _app.IdsAsync();
        using var resp = await _app.Http.PostAsync("api/campaigns", Upload(c.FileName, c.Bytes,
            [.. c.Fields ?? [], ("name", name), ("assistantId", assistant), ("phoneLineId", line), ("cap", "2")]));
        var body = await resp.Content.ReadAsStringAsync();
        Assert.True(resp.StatusCode == HttpStatusCode.Created, $"{name}: {(int)resp.StatusCode} {body}");
        var id = JsonDocument.Parse(body).RootElement.GetProperty("campaignId").GetInt64();
        CsvImportTests.AssertCounts(c.Expect, JsonDocument.Parse(body).RootElement.GetProperty("importReport"));

        var contacts = (await _app.GetJsonAsync($"api/campaigns/{id}/contacts?pageSize=100")).GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(c.Expect.Accepted, contacts.Length);
        foreach (var p in CrmExportCorpus.Preview(report))
        {
            var stored = contacts.Single(x => x.GetProperty("rowNumber").GetInt32() == p.GetProperty("row").GetInt32());
            Assert.Equal(p.GetProperty("name").GetString(), stored.GetProperty("name").GetString());
            Assert.Equal(p.GetProperty("phone").GetString(), stored.GetProperty("phone").GetString());
            Assert.Equal(p.GetProperty("phoneColumn").GetString(), stored.GetProperty("phoneSource").GetString());
            Assert.Equal(Optional(p, "extension"), Optional(stored, "extension"));
        }
    }

    [Fact]
    public async Task ValidateCsv_Workbook_ErrorCsvListsSkippedRowsWithTheirCellsAsText()
    {
        var c = CrmExportCorpus.Get("excel-xlsx-numbers");
        using var resp = await _app.Http.PostAsync("api/campaigns/validate?format=csv", Upload(c.FileName, c.Bytes));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("leads-not-imported.csv", resp.Content.Headers.ContentDisposition?.FileNameStar ?? resp.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal("2", resp.Headers.GetValues("X-Import-Skipped").Single());
        var rows = CsvImportTests.ReadCsv(await resp.Content.ReadAsByteArrayAsync());
        Assert.Equal(["row", "reason", "Name", "Company", "Phone", "Employees", "Customer Since", "Active"], rows[0]);
        Assert.Equal(["5", "8"], rows.Skip(1).Select(r => r[0]).ToArray());
        Assert.Equal(["Dee Fox", "Delta", "1.41555E+10"], rows[1][2..5]);
        Assert.Equal(["Finn Oak", "Zeta", "415555019"], rows[2][2..5]);
    }

    [Fact]
    public async Task Validate_SalesforceExportWithoutMapping_400NamesTheMissingField()
    {
        // Google's "Organization Name" is detected, but a CRM's own spelling ("Firm / Practice") is not: the 400 says what is missing.
        var csv = "First Name,Last Name,Firm / Practice,Phone\nMaria,Gonzalez,Lumen Dental,(415) 555-0101\n";
        using var resp = await _app.Http.PostAsync("api/campaigns/validate", Upload("leads.csv", csv));
        var problem = await ProblemAsync(resp, 400);
        Assert.Contains("missing the required column business_name", problem.GetProperty("detail").GetString());
        Assert.Contains("\"Firm / Practice\"", problem.GetProperty("detail").GetString());

        var mapped = await ValidateAsync("leads.csv", csv, ("mapping", """{"business_name": "Firm / Practice"}"""));
        CrmExportCorpus.AssertMapping(mapped, "given", ["First Name", "Last Name"], "Firm / Practice", ["Phone"]);
        Assert.Equal("Maria Gonzalez", CrmExportCorpus.Preview(mapped)[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Validate_MappingFromTheIssue_UsedAndReported()
    {
        var csv = "First Name,Last Name,Company / Account,Phone,Mobile,Lead Source\n" +
                  "Maria,Gonzalez,Lumen Dental,,415-555-0102,Web\n" +
                  "Omar,Haddad,Haddad Auto,415-555-0103,415-555-0104,Referral\n";
        var r = await ValidateAsync("leads.csv", csv,
            ("mapping", """{"name": ["First Name", "Last Name"], "business_name": "Company / Account", "phone": ["Mobile", "Phone"]}"""));
        CrmExportCorpus.AssertMapping(r, "given", ["First Name", "Last Name"], "Company / Account", ["Mobile", "Phone"]);
        var p = CrmExportCorpus.Preview(r);
        Assert.Equal(("Maria Gonzalez", "+14155550102", "Mobile"), (p[0].GetProperty("name").GetString(), p[0].GetProperty("phone").GetString(), p[0].GetProperty("phoneColumn").GetString()));
        // The mapped order is the dialling order: Mobile before Phone.
        Assert.Equal(("+14155550104", "Mobile"), (p[1].GetProperty("phone").GetString(), p[1].GetProperty("phoneColumn").GetString()));
        Assert.Equal(("Maria", "Gonzalez", "Web"), (CrmExportCorpus.Extra(p[0], "first_name"), CrmExportCorpus.Extra(p[0], "last_name"), CrmExportCorpus.Extra(p[0], "lead_source")));
    }

    [Theory]
    [InlineData("""{"name": "Full Name", "business_name": "Company / Account"}""", "\"Full Name\", which the file does not have")]
    [InlineData("""{"phone": ["Phone", "Cell", "Pager"]}""", "columns the file does not have: \"Cell\", \"Pager\"")]
    [InlineData("""{"company": "Company"}""", "unknown field \"company\"")]
    [InlineData("""{"name": 7}""", "must be a column name or a list")]
    [InlineData("""["First Name"]""", "must be a JSON object")]
    [InlineData("""{"name": "First Name",""", "not valid JSON")]
    [InlineData("""{"business_name": ["Company / Account", "Lead Source"]}""", "business_name must name one column")]
    public async Task Validate_BadMapping_400NamesIt(string mapping, string detail)
    {
        var csv = "First Name,Last Name,Company / Account,Phone,Lead Source\nMaria,Gonzalez,Lumen Dental,415-555-0105,Web\n";
        using var resp = await _app.Http.PostAsync("api/campaigns/validate", Upload("leads.csv", csv, ("mapping", mapping)));
        var problem = await ProblemAsync(resp, 400);
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("mapping", out _), problem.ToString());

        var before = await _app.WithDbAsync(d => d.Campaigns.CountAsync());
        var (assistant, line) = await _app.IdsAsync();
        using var create = await _app.Http.PostAsync("api/campaigns", Upload("leads.csv", csv,
            ("mapping", mapping), ("name", "bad mapping"), ("assistantId", assistant), ("phoneLineId", line)));
        Assert.Contains(detail, (await ProblemAsync(create, 400)).GetProperty("detail").GetString());
        Assert.Equal(before, await _app.WithDbAsync(d => d.Campaigns.CountAsync()));
    }

    [Fact]
    public async Task Validate_UnknownSheet_400ListsTheSheets()
    {
        using var resp = await _app.Http.PostAsync("api/campaigns/validate",
            Upload("workbook.xlsx", CrmExportCorpus.Get("excel-xlsx-sheets-default").Bytes, ("sheet", "Prospects")));
        var problem = await ProblemAsync(resp, 400);
        Assert.Contains("no sheet named \"Prospects\"; its sheets are: \"Lookup\", \"Leads\", \"Customers\"", problem.GetProperty("detail").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("sheet", out _));

        using var csvWithSheet = await _app.Http.PostAsync("api/campaigns/validate", Upload("leads.csv", AppHost.SampleCsv(1), ("sheet", "Leads")));
        Assert.Contains("not an Excel workbook", (await ProblemAsync(csvWithSheet, 400)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Create_WithMapping_RememberedForTheSameHeadersPerUser()
    {
        var (api, _, _) = await _app.SignUpAsync($"mapper-{Guid.NewGuid():N}@example.com");
        var (other, _, _) = await _app.SignUpAsync($"other-{Guid.NewGuid():N}@example.com");
        var csv = "Kontakt,Firma,Telefon,Notiz\nJürgen Weiß,Weiß GmbH,415-555-0106,A\n";
        var mapping = """{"name": "Kontakt", "business_name": "Firma", "phone": "Telefon"}""";

        // Not known before: the file cannot be read without a mapping.
        using (var before = await api.PostAsync("api/campaigns/validate", Upload("kontakte.csv", csv)))
            await ProblemAsync(before, 400);
        var assistants = await api.GetFromJsonAsync<JsonElement>("api/assistants");
        var lines = await api.GetFromJsonAsync<JsonElement>("api/phone-lines");
        using (var created = await api.PostAsync("api/campaigns", Upload("kontakte.csv", csv, ("mapping", mapping), ("name", "mapped"),
                   ("assistantId", assistants[0].GetProperty("id").GetInt64().ToString()), ("phoneLineId", lines[0].GetProperty("id").GetInt64().ToString()))))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        // The next export with the same columns (reordered, other case) is read with the remembered mapping.
        var next = "TELEFON,Notiz,kontakt,Firma\n415-555-0107,B,Anna Schmidt,Schmidt KG\n";
        using var again = await api.PostAsync("api/campaigns/validate", Upload("kontakte-2.csv", next));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var r = await again.Content.ReadFromJsonAsync<JsonElement>();
        // Reported as this file spells its columns.
        CrmExportCorpus.AssertMapping(r, "remembered", ["kontakt"], "Firma", ["TELEFON"]);
        Assert.Equal("Anna Schmidt", CrmExportCorpus.Preview(r)[0].GetProperty("name").GetString());

        // Remembered per user: someone else still has to map it.
        using var theirs = await other.PostAsync("api/campaigns/validate", Upload("kontakte-2.csv", next));
        await ProblemAsync(theirs, 400);
        // And a mapping given now wins over the remembered one.
        using var given = await api.PostAsync("api/campaigns/validate", Upload("kontakte-2.csv", next,
            ("mapping", """{"name": "Firma", "business_name": "Firma", "phone": "TELEFON"}""")));
        Assert.Equal("given", (await given.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("mappingSource").GetString());
    }

    [Fact]
    public async Task Start_ContactWithExtension_VapiReceivesCustomerExtension()
    {
        var csv = "First Name,Last Name,Company,Phone\nOmar,Haddad,Haddad Auto,(415) 555-0108 ext. 204\nAna,Silva,Silva Law,415-555-0109 x7\n";
        var (assistant, line) = await _app.IdsAsync();
        using var resp = await _app.Http.PostAsync("api/campaigns", Upload("leads.csv", csv, ("name", "extensions"), ("assistantId", assistant), ("phoneLineId", line), ("cap", "2")));
        Assert.Equal(HttpStatusCode.Created, resp.StatusCode);
        var id = (await resp.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("campaignId").GetInt64();
        var stored = await _app.WithDbAsync(d => d.Contacts.Where(c => c.CampaignId == id).OrderBy(c => c.RowNumber).Select(c => c.Extension).ToListAsync());
        Assert.Equal(["204", "7"], stored);

        using (var start = await _app.Http.PostAsync($"api/campaigns/{id}/start", null)) Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        await _app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromSeconds(90));
        var calls = (await _app.Simulator.GetFromJsonAsync<JsonElement>("_sim/calls"))
            .EnumerateArray().Where(c => c.GetProperty("request").GetProperty("customer").GetProperty("number").GetString() is "+14155550108" or "+14155550109")
            .ToDictionary(c => c.GetProperty("request").GetProperty("customer").GetProperty("number").GetString()!,
                c => c.GetProperty("request").GetProperty("customer").GetProperty("extension").GetString());
        Assert.Equal("204", calls["+14155550108"]);
        Assert.Equal("7", calls["+14155550109"]);
    }

    private static string? Optional(JsonElement e, string property)
        => e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private async Task<JsonElement> ValidateAsync(string fileName, object content, params (string, string)[] fields)
    {
        using var resp = await _app.Http.PostAsync("api/campaigns/validate", Upload(fileName, content, fields));
        var body = await resp.Content.ReadAsStringAsync();
        Assert.True(resp.StatusCode == HttpStatusCode.OK, $"{(int)resp.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage resp, int status)
    {
        var body = await resp.Content.ReadAsStringAsync();
        Assert.True((int)resp.StatusCode == status, $"expected {status}, got {(int)resp.StatusCode}: {body}");
        Assert.Equal("application/problem+json", resp.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>The file as a browser sends it: its own name and type.</summary>
    internal static MultipartFormDataContent Upload(string fileName, object content, params (string Name, string Value)[] fields)
    {
        var bytes = content is string s ? System.Text.Encoding.UTF8.GetBytes(s) : (byte[])content;
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(fileName.EndsWith(".xlsx", StringComparison.Ordinal)
            ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv");
        form.Add(file, "file", fileName);
        foreach (var (n, v) in fields) form.Add(new StringContent(v), n);
        return form;
    }

}
