using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AutoLynx.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Tests.Integration.Compliance;

/// <summary>
/// Issue 13, do-not-call: one organisation-wide list, numbers in any spelling stored as E.164, every change audited,
/// read in the claim's transaction (a number added mid-campaign is never dialled), and an opt-out said during a call
/// honoured at once.
/// </summary>
public sealed class DncTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task AddSearchRemove_AnySpellingStoredOnceAndAudited(Db db)
    {
        await using var app = AppHost.Start(db);
        using var first = await app.Http.PostAsJsonAsync("api/dnc", new { number = "(415) 555-0100", reason = "Asked by email" });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var entry = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("+14155550100", entry.GetProperty("number").GetString());
        using var again = await app.Http.PostAsJsonAsync("api/dnc", new { number = "+1 415-555-0100" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode); // already listed: the same entry
        Assert.Equal(entry.GetProperty("id").GetInt64(), (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());

        using var bad = await app.Http.PostAsJsonAsync("api/dnc", new { number = "call me maybe" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("number", await bad.Content.ReadAsStringAsync());

        var found = await app.GetJsonAsync("api/dnc?search=555-0100");
        Assert.Equal(1, found.GetProperty("total").GetInt32());
        Assert.Equal(0, (await app.GetJsonAsync("api/dnc?search=999")).GetProperty("total").GetInt32());

        using var operatorClient = (await app.SignUpAsync("op@example.com")).Api;
        using (var denied = await operatorClient.DeleteAsync($"api/dnc/{entry.GetProperty("id").GetInt64()}")) Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        using (var gone = await app.Http.DeleteAsync($"api/dnc/{entry.GetProperty("id").GetInt64()}")) Assert.Equal(HttpStatusCode.NoContent, gone.StatusCode);
        using (var missing = await app.Http.DeleteAsync("api/dnc/987654")) Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        var audit = await app.WithDbAsync(d => d.AuditLog.Where(a => a.Action.StartsWith("dnc.")).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
        Assert.Equal(["dnc.add", "dnc.remove"], audit);
    }

    [Fact]
    public async Task Import_MixedFile_EveryRowAccountedFor()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        await app.Http.PostAsJsonAsync("api/dnc", new { number = "+14155550102" });
        const string csv = "Phone Number,Reason\n(415) 555-0101,asked\n+1 415 555 0102,\nnot a number,\n415.555.0101,again\n";
        using var resp = await app.Http.PostAsync("api/dnc/import", AppHost.Multipart(csv));
        var report = await resp.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal(4, report.GetProperty("totalRows").GetInt32());
        Assert.Equal(1, report.GetProperty("added").GetInt32());
        Assert.Equal(2, report.GetProperty("alreadyListed").GetInt32());
        var skipped = Assert.Single(report.GetProperty("skipped").EnumerateArray());
        Assert.Equal(4, skipped.GetProperty("row").GetInt32()); // the header is row 1
        Assert.Equal(2, (await app.GetJsonAsync("api/dnc")).GetProperty("total").GetInt32());

        using var empty = await app.Http.PostAsync("api/dnc/import", AppHost.Multipart(""));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task ImportWithListedNumber_RowSkippedWithTheReason(Db db)
    {
        await using var app = AppHost.Start(db);
        await app.Http.PostAsJsonAsync("api/dnc", new { number = "415-555-0101" });
        using var validate = await app.Http.PostAsync("api/campaigns/validate", AppHost.Multipart(AppHost.SampleCsv(3)));
        var report = await validate.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, report.GetProperty("accepted").GetInt32());
        var skipped = Assert.Single(report.GetProperty("skipped").EnumerateArray());
        Assert.Equal(3, skipped.GetProperty("row").GetInt32());
        Assert.Contains("do-not-call", skipped.GetProperty("reason").GetString());

        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(3), cap: 3);
        Assert.Equal(2, (await app.GetJsonAsync($"api/campaigns/{id}")).GetProperty("counters").GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task NumberAddedMidCampaign_NeverDialled(Db db)
    {
        // One call at a time, each lasting a few seconds: the third number is listed while the first call is live.
        await using var app = AppHost.Start(db, AppHost.OutcomesOnly("Talked", new Dictionary<string, string?> { ["Simulator:TimeScale"] = "0.02" }));
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(3), cap: 1);
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        await AppHost.WaitUntilAsync(() => app.SimNumbersAsync(), n => n.Count == 1);
        using (var add = await app.Http.PostAsJsonAsync("api/dnc", new { number = "+14155550102", reason = "Called our office" }))
            Assert.Equal(HttpStatusCode.Created, add.StatusCode);

        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(2));
        Assert.Equal(["+14155550100", "+14155550101"], await app.SimNumbersAsync());
        var listed = (await app.ContactsByNameAsync(id))["Person 2"];
        Assert.Equal("SKIPPED", listed.GetProperty("state").GetString());
        Assert.Equal("do-not-call", listed.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task OptOutSaidDuringTheCall_NumberListedWithTheCallAsSource_AndNeverCalledAgain()
    {
        // Every talked call ends with "please don't call me again": the simulator's analysis carries doNotCall: true
        // because the demo assistants' structured-data schema asks for it.
        await using var app = AppHost.Start(Db.Sqlite, AppHost.OutcomesOnly("Talked", new Dictionary<string, string?> { ["Simulator:Outcomes:OptOut"] = "1" }));
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(1), cap: 1, policy: """{"retry": {"outcomes": ["talked"], "delays": ["00:01:00"], "maxAttempts": 3}}""");
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(1));

        var call = (await app.GetJsonAsync($"api/campaigns/{id}/calls"))[0];
        var entry = Assert.Single((await app.GetJsonAsync("api/dnc")).GetProperty("items").EnumerateArray());
        Assert.Equal("+14155550100", entry.GetProperty("number").GetString());
        Assert.Equal($"call:{call.GetProperty("id").GetInt64()}", entry.GetProperty("source").GetString());
        // The retry policy would call a talked contact again: the opt-out wins.
        Assert.Single(await app.SimNumbersAsync());

        var again = await app.CreateCampaignAsync(AppHost.SampleCsv(2), cap: 2, name: "Second list");
        await app.Http.PostAsync($"api/campaigns/{again}/start", null);
        await app.WaitForStatusAsync(again, "COMPLETED", TimeSpan.FromMinutes(1));
        Assert.Equal(["+14155550100", "+14155550101"], await app.SimNumbersAsync());
    }
}
