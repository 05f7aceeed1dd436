using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutoLynx.Features.Engine;
using AutoLynx.Tests.Infrastructure;
using AutoLynx.Vapi;
using AutoLynx.VapiSimulator;

namespace AutoLynx.Tests.Integration.Engine;

/// <summary>
/// Issue 11, defect 5: Vapi lists at most 1,000 calls per request with no cursor. The lookup that decides whether a
/// call exists, and the line-quiet check, must see every call of the window however busy the line is.
/// </summary>
public sealed class LookupTests
{
    [Fact]
    public async Task ProviderCallSearch_MoreThanAPageOfCalls_FindsTheOldestAndListsThemAll()
    {
        await using var sim = await VapiSimulatorHost.StartAsync(new SimulatorOptions { TimeScale = 50, ConcurrencyLimit = 10, Seed = 9 });
        using var http = new HttpClient { BaseAddress = sim.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new("Bearer", sim.Options.ApiKey);
        var assistant = (await (await http.PostAsJsonAsync("assistant", new JsonObject { ["name"] = "Search" })).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("id").GetString()!;
        var line = (await http.GetFromJsonAsync<JsonElement>("phone-number"))[0].GetProperty("id").GetString()!;
        var from = DateTimeOffset.UtcNow.AddSeconds(-1);
        const int total = 2300;
        await Parallel.ForEachAsync(Enumerable.Range(0, total), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            using var r = await http.PostAsJsonAsync("call", new JsonObject
            {
                ["assistantId"] = assistant, ["phoneNumberId"] = line,
                ["customer"] = new JsonObject { ["number"] = $"+1415555{i % 10000:0000}", ["externalId"] = $"x{i}" },
            }, ct);
            r.EnsureSuccessStatusCode();
        });

        var vapi = new VapiClient(http);
        var all = await ProviderCallSearch.ListAsync(vapi, line, from, DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);
        Assert.Equal(total, all.Count);
        var oldest = await ProviderCallSearch.FindAsync(vapi, line, from, DateTimeOffset.UtcNow.AddMinutes(1), c => c.Customer?.ExternalId == "x0", CancellationToken.None);
        Assert.NotNull(oldest);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task AmbiguousPost_LineBusyWithMoreThanAPageOfNewerCalls_LookupStillFindsIt_RingsOnce(Db db)
    {
        // Webhooks are lost, so only the lookup can tell AutoLynx that its call exists.
        await using var app = AppHost.Start(db, new Dictionary<string, string?>
        {
            ["Vapi:RequestTimeout"] = "00:00:10",
            ["Simulator:TimeScale"] = "0.02",
            ["Simulator:Faults:RateDropWebhook"] = "1",
            ["Dialer:StuckAfter"] = "00:00:02",
        });
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(1), cap: 1);
        // Our one POST creates the call and then never answers; while AutoLynx waits, 1,100 newer calls land on the line.
        await app.SimConfigAsync(new { faults = new { rateTimeoutAfterCreate = 1 } });
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        await AppHost.WaitUntilAsync(async () => (await app.SimStatsAsync()).GetProperty("totalCalls").GetInt32(), n => n == 1);
        await app.SimConfigAsync(new { faults = new { rateTimeoutAfterCreate = 0 } });
        await FloodLineAsync(app, 1100);

        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(2));
        var ours = (await app.SimCallsAsync()).Count(c => c.GetProperty("customerNumber").GetString() == "+14155550100");
        Assert.Equal(1, ours);
    }

    [Fact]
    public async Task LineQuietGating_LiveCallOlderThanAPageOfEndedOnes_NextBatchWaits()
    {
        await using var app = AppHost.Start(Db.Sqlite, new Dictionary<string, string?> { ["Simulator:TimeScale"] = "0.02" });
        var id = await CreateGatedCampaignAsync(app, AppHost.SampleCsv(4));
        // Another tool's call on the line that does not end, then 1,100 newer calls that do.
        await app.SimConfigAsync(new { faults = new { rateNeverEnds = 1 }, outcomes = new { talked = 1, noAnswer = 0, busy = 0, voicemail = 0, failedToConnect = 0, forwarded = 0, providerFault = 0, vapiFault = 0 } });
        var outside = await PlaceOutsideCallAsync(app, "+14155559999");
        await AppHost.WaitUntilAsync(async () => (await app.SimCallsAsync()).Single(c => c.GetProperty("id").GetString() == outside).GetProperty("status").GetString(),
            s => s == "in-progress");
        await app.SimConfigAsync(new { faults = new { rateNeverEnds = 0 }, outcomes = new { talked = 0, failedToConnect = 1 } });
        await FloodLineAsync(app, 1100);
        await AppHost.WaitUntilAsync(async () => (await app.SimStatsAsync()).GetProperty("activeCalls").GetInt32(), n => n == 1, TimeSpan.FromMinutes(1));

        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        // Batch 1 (two contacts) runs and ends; batch 2 must wait while the outside call is live.
        await AppHost.WaitUntilAsync(async () => (await app.GetJsonAsync($"api/campaigns/{id}")).GetProperty("batches")[0].GetProperty("terminal").GetInt32(), n => n == 2);
        await Task.Delay(3000);
        var batches = (await app.GetJsonAsync($"api/campaigns/{id}")).GetProperty("batches");
        Assert.Equal(0, batches[1].GetProperty("terminal").GetInt32() + batches[1].GetProperty("active").GetInt32());

        // The outside call ends: batch 2 goes.
        using (var end = await app.Simulator.PostAsync($"call/{outside}/control", JsonContent.Create(new { type = "end-call" }))) end.EnsureSuccessStatusCode();
        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(1));
    }

    private static async Task<long> CreateGatedCampaignAsync(AppHost app, string csv)
    {
        var assistant = (await app.GetJsonAsync("api/assistants"))[0].GetProperty("id").GetInt64();
        var line = (await app.GetJsonAsync("api/phone-lines"))[0].GetProperty("id").GetInt64();
        using var form = AppHost.Multipart(csv, ("name", "Gated"), ("assistantId", assistant.ToString()), ("phoneLineId", line.ToString()),
            ("cap", "2"), ("mode", "batch"), ("lineQuietGating", "true"));
        using var create = await app.Http.PostAsync("api/campaigns", form);
        Assert.Equal(201, (int)create.StatusCode);
        return (await create.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("campaignId").GetInt64();
    }

    /// <summary>
    /// Calls placed on the campaign's line by someone else (a person in Vapi's dashboard, another tool). Their webhooks go
    /// to that tool's server (here: nowhere), not to AutoLynx.
    /// </summary>
    private static async Task FloodLineAsync(AppHost app, int count)
    {
        var (assistant, line) = await ProviderIdsAsync(app);
        using var http = VapiHttp(app);
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            using var r = await http.PostAsJsonAsync("call", new JsonObject
            {
                ["assistantId"] = assistant, ["phoneNumberId"] = line,
                ["customer"] = new JsonObject { ["number"] = $"+1212555{i % 10000:0000}" },
                ["assistantOverrides"] = new JsonObject { ["server"] = new JsonObject { ["url"] = "http://127.0.0.1:9/other-tool" } },
            }, ct);
            r.EnsureSuccessStatusCode();
        });
    }

    private static async Task<string> PlaceOutsideCallAsync(AppHost app, string number)
    {
        var (assistant, line) = await ProviderIdsAsync(app);
        using var http = VapiHttp(app);
        using var r = await http.PostAsJsonAsync("call", new JsonObject
        {
            ["assistantId"] = assistant, ["phoneNumberId"] = line, ["customer"] = new JsonObject { ["number"] = number },
            ["assistantOverrides"] = new JsonObject { ["server"] = new JsonObject { ["url"] = "http://127.0.0.1:9/other-tool" } },
        });
        r.EnsureSuccessStatusCode();
        return (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<(string Assistant, string Line)> ProviderIdsAsync(AppHost app)
    {
        var assistants = await app.GetJsonAsync("api/assistants");
        var lines = await app.GetJsonAsync("api/phone-lines");
        return (assistants[0].GetProperty("providerAssistantId").GetString()!, lines[0].GetProperty("providerPhoneNumberId").GetString()!);
    }

    private static HttpClient VapiHttp(AppHost app)
    {
        var http = new HttpClient { BaseAddress = app.Simulator.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", app.Service<AutoLynx.Features.Demo.VapiConnection>().ApiKey);
        return http;
    }
}
