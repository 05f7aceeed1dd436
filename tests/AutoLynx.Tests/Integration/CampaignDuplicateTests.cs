using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AutoLynx.Tests.Infrastructure;

namespace AutoLynx.Tests.Integration;

/// <summary>
/// POST /api/campaigns/{id}/duplicate: a new CREATED campaign from another's contacts, all of them or by the outcome of
/// their last call, extra columns included; and the summary's counters of people talked to and not reached.
/// </summary>
public sealed class CampaignDuplicateTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Duplicate_ByOutcome_NewCreatedCampaignWithExactlyThoseContactsAndTheirColumns(Db db)
    {
        await using var app = AppHost.Start(db);
        (await app.Simulator.PutAsJsonAsync("_sim/config", new
        {
            outcomes = new { talked = 1, noAnswer = 1, busy = 1, voicemail = 0, failedToConnect = 0, forwarded = 0, providerFault = 0, vapiFault = 0 },
        })).EnsureSuccessStatusCode();
        var source = await app.CreateCampaignAsync(AppHost.SampleCsv(15), cap: 5, name: "Spring push");
        (await app.Http.PostAsync($"api/campaigns/{source}/start", null)).EnsureSuccessStatusCode();
        var done = await app.WaitForStatusAsync(source, "COMPLETED", TimeSpan.FromMinutes(2));

        var contacts = (await app.GetJsonAsync($"api/campaigns/{source}/contacts?pageSize=100")).GetProperty("items").EnumerateArray().ToList();
        string[] NamesWith(params string[] outcomes) => contacts.Where(c => outcomes.Contains(c.GetProperty("lastOutcome").GetString()))
            .Select(c => c.GetProperty("name").GetString()!).Order().ToArray();
        var retry = NamesWith("no-answer", "busy");
        Assert.NotEmpty(retry);
        Assert.NotEmpty(NamesWith("talked"));

        // The counters count people by their last call, not calls.
        var counters = done.GetProperty("counters");
        Assert.Equal(NamesWith("talked").Length, counters.GetProperty("talked").GetInt32());
        Assert.Equal(retry.Length, counters.GetProperty("notReached").GetInt32());
        Assert.Equal(NamesWith("no-answer").Length, counters.GetProperty("noAnswer").GetInt32());
        Assert.Equal(NamesWith("busy").Length, counters.GetProperty("busy").GetInt32());

        using var resp = await app.Http.PostAsJsonAsync($"api/campaigns/{source}/duplicate", new { outcomes = new[] { "no-answer", "BUSY" }, name = "Spring push — retry", cap = 3 });
        Assert.Equal(HttpStatusCode.Created, resp.StatusCode);
        var created = await resp.Content.ReadFromJsonAsync<JsonElement>();
        var copy = created.GetProperty("campaignId").GetInt64();
        Assert.Equal($"/api/campaigns/{copy}", resp.Headers.Location?.ToString());
        Assert.Equal(retry.Length, created.GetProperty("contacts").GetInt32());

        var summary = await app.GetJsonAsync($"api/campaigns/{copy}");
        Assert.Equal("CREATED", summary.GetProperty("status").GetString());
        Assert.Equal("Spring push — retry", summary.GetProperty("name").GetString());
        Assert.Equal(3, summary.GetProperty("cap").GetInt32());
        Assert.Equal(retry.Length, summary.GetProperty("counters").GetProperty("total").GetInt32());
        Assert.Equal(retry.Length, summary.GetProperty("counters").GetProperty("pending").GetInt32());
        var copied = (await app.GetJsonAsync($"api/campaigns/{copy}/contacts?pageSize=100")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(retry, copied.Select(c => c.GetProperty("name").GetString()!).Order().ToArray());
        foreach (var c in copied)
        {
            var original = contacts.Single(o => o.GetProperty("phone").GetString() == c.GetProperty("phone").GetString());
            Assert.Equal(original.GetProperty("rowNumber").GetInt32(), c.GetProperty("rowNumber").GetInt32());
            Assert.Equal(original.GetProperty("extra").GetProperty("city").GetString(), c.GetProperty("extra").GetProperty("city").GetString());
            Assert.Equal(0, c.GetProperty("attempts").GetInt32());
            Assert.Equal(JsonValueKind.Null, c.GetProperty("lastOutcome").ValueKind);
        }

        // The copy runs like any campaign: only its contacts are called.
        (await app.Http.PostAsync($"api/campaigns/{copy}/start", null)).EnsureSuccessStatusCode();
        await app.WaitForStatusAsync(copy, "COMPLETED", TimeSpan.FromMinutes(2));
        var calls = (await app.GetJsonAsync($"api/campaigns/{copy}/calls")).EnumerateArray().Count();
        Assert.Equal(retry.Length, calls);

        // No filter: every contact, with a name that says it is a copy.
        using var all = await app.Http.PostAsync($"api/campaigns/{source}/duplicate", null);
        Assert.Equal(HttpStatusCode.Created, all.StatusCode);
        var allCopy = (await all.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("campaignId").GetInt64();
        var allSummary = await app.GetJsonAsync($"api/campaigns/{allCopy}");
        Assert.Equal(15, allSummary.GetProperty("counters").GetProperty("total").GetInt32());
        Assert.Equal("Spring push (copy)", allSummary.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Duplicate_NotCalledAndBadRequests_ClearAnswersNothingCreated()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        var never = await app.CreateCampaignAsync(AppHost.SampleCsv(4), name: "Never started");
        var before = (await app.GetJsonAsync("api/campaigns")).GetProperty("total").GetInt32();

        using (var unknownOutcome = await app.Http.PostAsJsonAsync($"api/campaigns/{never}/duplicate", new { outcomes = new[] { "sleepy" } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknownOutcome.StatusCode);
            var errors = (await unknownOutcome.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
            Assert.Contains("not-called", errors.GetProperty("outcomes")[0].GetString());
            Assert.Contains("no-answer", errors.GetProperty("outcomes")[0].GetString());
        }
        using (var noneMatch = await app.Http.PostAsJsonAsync($"api/campaigns/{never}/duplicate", new { outcomes = new[] { "voicemail" } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noneMatch.StatusCode);
            Assert.Contains("nothing to copy", (await noneMatch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("outcomes")[0].GetString());
        }
        using (var badCap = await app.Http.PostAsJsonAsync($"api/campaigns/{never}/duplicate", new { cap = 0 }))
            Assert.Equal(HttpStatusCode.BadRequest, badCap.StatusCode);
        using (var badLine = await app.Http.PostAsJsonAsync($"api/campaigns/{never}/duplicate", new { phoneLineId = 99999 }))
            Assert.Equal(HttpStatusCode.BadRequest, badLine.StatusCode);
        using (var missing = await app.Http.PostAsJsonAsync("api/campaigns/99999/duplicate", new { }))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        // Another operator's campaign is not there for them.
        var (operatorApi, _, _) = await app.SignUpAsync("otto.operator@example.com");
        using (var hidden = await operatorApi.PostAsJsonAsync($"api/campaigns/{never}/duplicate", new { }))
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal(before, (await app.GetJsonAsync("api/campaigns")).GetProperty("total").GetInt32());

        // "not-called" takes the contacts never called: here all four.
        using var notCalled = await app.Http.PostAsJsonAsync($"api/campaigns/{never}/duplicate", new { outcomes = new[] { "not-called" } });
        Assert.Equal(HttpStatusCode.Created, notCalled.StatusCode);
        var result = await notCalled.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(4, result.GetProperty("contacts").GetInt32());
        Assert.Equal("Never started (re-run)", (await app.GetJsonAsync($"api/campaigns/{result.GetProperty("campaignId").GetInt64()}")).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Duplicate_WithChangedLineCapAndPolicy_CopyHasTheChangesAndKeepsTheRestOfThePolicy()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        var lines = (await app.GetJsonAsync("api/phone-lines")).EnumerateArray().Select(l => l.GetProperty("id").GetInt64()).ToList();
        var source = await app.CreateCampaignAsync(AppHost.SampleCsv(3), cap: 2, name: "Source",
            policy: """{"spendCap": 9.5, "maxCallsPerNumberPer24h": 2}""");

        using var resp = await app.Http.PostAsJsonAsync($"api/campaigns/{source}/duplicate", new
        {
            outcomes = new[] { "not-called" }, phoneLineId = lines[^1], cap = 4,
            policy = new { spendCap = 3.25, phoneLineIds = lines.ToArray(), retry = new { outcomes = new[] { "no-answer", "busy" }, delays = new[] { "00:30:00" }, maxAttempts = 2 } },
        });
        Assert.Equal(HttpStatusCode.Created, resp.StatusCode);
        var copy = (await resp.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("campaignId").GetInt64();

        var summary = await app.GetJsonAsync($"api/campaigns/{copy}");
        Assert.Equal(lines[^1], summary.GetProperty("phoneLineId").GetInt64());
        Assert.Equal(4, summary.GetProperty("cap").GetInt32());
        var policy = summary.GetProperty("policy");
        Assert.Equal(3.25m, policy.GetProperty("spendCap").GetDecimal());
        Assert.Equal(2, policy.GetProperty("maxCallsPerNumberPer24h").GetInt32());    // copied from the source
        Assert.Equal(lines, policy.GetProperty("phoneLineIds").EnumerateArray().Select(l => l.GetInt64()).ToList());
        Assert.Equal(["no-answer", "busy"], policy.GetProperty("retry").GetProperty("outcomes").EnumerateArray().Select(o => o.GetString()!).ToArray());
        Assert.Equal(9.5m, (await app.GetJsonAsync($"api/campaigns/{source}")).GetProperty("policy").GetProperty("spendCap").GetDecimal());

        // A policy the create would refuse is refused here too, naming the field; nothing is created.
        var before = (await app.GetJsonAsync("api/campaigns")).GetProperty("total").GetInt32();
        using var bad = await app.Http.PostAsJsonAsync($"api/campaigns/{source}/duplicate", new { policy = new { phoneLineIds = new[] { 987654 } } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(before, (await app.GetJsonAsync("api/campaigns")).GetProperty("total").GetInt32());
    }
}
