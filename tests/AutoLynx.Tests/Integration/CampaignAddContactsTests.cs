using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AutoLynx.Tests.Infrastructure;

namespace AutoLynx.Tests.Integration;

/// <summary>
/// POST /api/campaigns/{id}/contacts: a file's contacts added to a campaign that has not finished, with the create's
/// validation plus the campaign's own numbers (reported as duplicates), the do-not-call list, a dry run; a running
/// campaign calls them and completes only after them; finished campaigns refuse (409).
/// </summary>
public sealed class CampaignAddContactsTests
{
    private const string Header = "name,business_name,phone,city\n";

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task AddContacts_FileWithKnownDncAndBadRows_AddsOnlyNewNumbersWithTheImportReport(Db db)
    {
        await using var app = AppHost.Start(db);
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(5), cap: 2, name: "Growing");   // +14155550100 … 0104
        (await app.Http.PostAsJsonAsync("api/dnc", new { number = "+14155550201" })).EnsureSuccessStatusCode();
        var csv = Header
            + "Known,Biz,+14155550101,Oslo\n"      // row 2: already in the campaign (its row 3)
            + "New A,Biz,+14155550200,Rome\n"      // row 3
            + "New A again,Biz,(415) 555-0200,Rome\n" // row 4: duplicate of row 3 in the file
            + "Listed,Biz,+14155550201,Rome\n"     // row 5: on the do-not-call list
            + "Broken,Biz,not a number,Rome\n"     // row 6: no phone number
            + "New B,Biz,+14155550202,Lima\n";     // row 7

        using (var dry = await app.Http.PostAsync($"api/campaigns/{id}/contacts?dryRun=true", AppHost.Multipart(csv)))
        {
            Assert.Equal(HttpStatusCode.OK, dry.StatusCode);
            var result = await dry.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(result.GetProperty("dryRun").GetBoolean());
            Assert.Equal(0, result.GetProperty("added").GetInt32());
            Assert.Equal(5, result.GetProperty("totalContacts").GetInt32());
            AssertReport(result.GetProperty("importReport"));
        }
        Assert.Equal(5, (await app.GetJsonAsync($"api/campaigns/{id}")).GetProperty("counters").GetProperty("total").GetInt32());

        using var added = await app.Http.PostAsync($"api/campaigns/{id}/contacts", AppHost.Multipart(csv));
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var body = await added.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.GetProperty("dryRun").GetBoolean());
        Assert.Equal(2, body.GetProperty("added").GetInt32());
        Assert.Equal(7, body.GetProperty("totalContacts").GetInt32());
        AssertReport(body.GetProperty("importReport"));

        var summary = await app.GetJsonAsync($"api/campaigns/{id}");
        Assert.Equal(7, summary.GetProperty("counters").GetProperty("total").GetInt32());
        Assert.Equal(7, summary.GetProperty("counters").GetProperty("pending").GetInt32());
        var contacts = (await app.GetJsonAsync($"api/campaigns/{id}/contacts?pageSize=100")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(7, contacts.Count);
        Assert.Equal(7, contacts.Select(c => c.GetProperty("rowNumber").GetInt32()).Distinct().Count());
        var newA = contacts.Single(c => c.GetProperty("phone").GetString() == "+14155550200");
        Assert.Equal("New A", newA.GetProperty("name").GetString());
        Assert.Equal("Rome", newA.GetProperty("extra").GetProperty("city").GetString());
        Assert.Equal(6 + 3 - 1, newA.GetProperty("rowNumber").GetInt32()); // after the campaign's last row (6): file row 3 → 8
        Assert.Single(contacts, c => c.GetProperty("phone").GetString() == "+14155550101");

        // The same file again: nothing new, a clear 422 and nothing stored.
        using var again = await app.Http.PostAsync($"api/campaigns/{id}/contacts", AppHost.Multipart(csv));
        Assert.Equal((HttpStatusCode)422, again.StatusCode);
        Assert.Contains("new contact", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(7, (await app.GetJsonAsync($"api/campaigns/{id}")).GetProperty("counters").GetProperty("total").GetInt32());
    }

    private static void AssertReport(JsonElement report)
    {
        Assert.Equal(6, report.GetProperty("totalRows").GetInt32());
        Assert.Equal(2, report.GetProperty("accepted").GetInt32());
        Assert.Equal(2, report.GetProperty("skippedCount").GetInt32());
        Assert.Equal(2, report.GetProperty("duplicateCount").GetInt32());
        var duplicates = report.GetProperty("duplicates").EnumerateArray().ToList();
        var known = duplicates.Single(d => d.GetProperty("row").GetInt32() == 2);
        Assert.True(known.GetProperty("inCampaign").GetBoolean());
        Assert.Equal(3, known.GetProperty("firstRow").GetInt32());
        Assert.Contains("Already in the campaign", known.GetProperty("reason").GetString());
        Assert.Equal(3, duplicates.Single(d => d.GetProperty("row").GetInt32() == 4).GetProperty("firstRow").GetInt32());
        var skipped = report.GetProperty("skipped").EnumerateArray().ToList();
        Assert.Contains(skipped, s => s.GetProperty("row").GetInt32() == 5 && s.GetProperty("reason").GetString()!.Contains("do-not-call"));
        Assert.Contains(skipped, s => s.GetProperty("row").GetInt32() == 6);
        Assert.Equal(["+14155550200", "+14155550202"],
            report.GetProperty("preview").EnumerateArray().Select(p => p.GetProperty("phone").GetString()!).Order().ToArray());
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task AddContacts_WhileRunning_NewContactsAreCalledOnceAndItCompletesAfterThem(Db db)
    {
        await using var app = AppHost.Start(db);
        await app.SimConfigAsync(new { outcomes = new { talked = 1, noAnswer = 0, busy = 0, voicemail = 0, failedToConnect = 0, forwarded = 0, providerFault = 0, vapiFault = 0 } });
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(3), cap: 1, name: "Running and growing");
        (await app.Http.PostAsync($"api/campaigns/{id}/start", null)).EnsureSuccessStatusCode();
        await app.WaitForStatusAsync(id, "RUNNING", TimeSpan.FromMinutes(1));

        using var added = await app.Http.PostAsync($"api/campaigns/{id}/contacts", AppHost.Multipart(AppHost.SampleCsv(3, firstNumber: 300)));
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Equal(6, (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("totalContacts").GetInt32());

        var done = await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(2));
        Assert.Equal(6, done.GetProperty("counters").GetProperty("total").GetInt32());
        var calls = (await app.GetJsonAsync($"api/campaigns/{id}/calls")).EnumerateArray().ToList();
        Assert.Equal(6, calls.Count);
        var perNumber = (await app.Simulator.GetFromJsonAsync<JsonElement>("_sim/stats")).GetProperty("callsByCustomerNumber");
        foreach (var n in new[] { "+14155550100", "+14155550101", "+14155550102", "+14155550300", "+14155550301", "+14155550302" })
            Assert.Equal(1, perNumber.GetProperty(n).GetInt32());
        // Completed after the last call it made ended: the added contacts did not arrive after a completion.
        var completedAt = done.GetProperty("completedAt").GetDateTime();
        Assert.All(calls, c => Assert.True(c.GetProperty("endedAt").GetDateTime() <= completedAt));
    }

    [Fact]
    public async Task AddContacts_FinishedMissingOthersOrNoFile_ClearAnswersNothingStored()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        var stopped = await app.CreateCampaignAsync(AppHost.SampleCsv(2), name: "Stopped one");
        (await app.Http.PostAsync($"api/campaigns/{stopped}/start", null)).EnsureSuccessStatusCode();
        (await app.Http.PostAsync($"api/campaigns/{stopped}/stop", null)).EnsureSuccessStatusCode();

        using (var refused = await app.Http.PostAsync($"api/campaigns/{stopped}/contacts", AppHost.Multipart(AppHost.SampleCsv(2, firstNumber: 500))))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains("stopped", problem.GetProperty("detail").GetString());
            Assert.Contains("Call again", problem.GetProperty("detail").GetString());
        }
        Assert.Equal(2, (await app.GetJsonAsync($"api/campaigns/{stopped}")).GetProperty("counters").GetProperty("total").GetInt32());

        using (var missing = await app.Http.PostAsync("api/campaigns/99999/contacts", AppHost.Multipart(AppHost.SampleCsv(1))))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        var own = await app.CreateCampaignAsync(AppHost.SampleCsv(2), name: "Admin's");
        var (operatorApi, _, _) = await app.SignUpAsync("olga.operator@example.com");
        using (var hidden = await operatorApi.PostAsync($"api/campaigns/{own}/contacts", AppHost.Multipart(AppHost.SampleCsv(1, firstNumber: 700))))
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        using (var noFile = await app.Http.PostAsync($"api/campaigns/{own}/contacts", new MultipartFormDataContent { { new StringContent("x"), "name" } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noFile.StatusCode);
            Assert.True((await noFile.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("file", out _));
        }
        Assert.Equal(2, (await app.GetJsonAsync($"api/campaigns/{own}")).GetProperty("counters").GetProperty("total").GetInt32());

        // The operator's own campaign takes their file.
        var theirs = await app.CreateCampaignAsync(AppHost.SampleCsv(1, firstNumber: 800), name: "Olga's", @as: operatorApi);
        using var ok = await operatorApi.PostAsync($"api/campaigns/{theirs}/contacts", AppHost.Multipart(AppHost.SampleCsv(2, firstNumber: 900)));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(3, (await ok.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("totalContacts").GetInt32());
    }
}
