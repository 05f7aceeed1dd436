using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutoLynx.Hosting;
using AutoLynx.Tests.Infrastructure;

namespace AutoLynx.Tests.Integration;

/// <summary>Strict batch mode through the API: per-batch progress, and line-quiet gating against the provider's call list.</summary>
public sealed class BatchModeTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task LineQuietGating_CallOnTheLineOutsideTheCampaign_Batch2WaitsUntilItEnds(Db db)
    {
        await using var app = AppHost.Start(db, new Dictionary<string, string?> { ["Simulator:TimeScale"] = "0.01" });
        var assistant = (await app.GetJsonAsync("api/assistants"))[0];
        var line = (await app.GetJsonAsync("api/phone-lines"))[0];

        // Someone places a call on the same line outside AutoLynx; it stays live until hung up.
        await SetNeverEndsAsync(app, 1);
        using var vapi = new HttpRequestMessage(HttpMethod.Post, "call")
        {
            Content = JsonContent.Create(new JsonObject
            {
                ["assistantId"] = assistant.GetProperty("providerAssistantId").GetString(),
                ["phoneNumberId"] = line.GetProperty("providerPhoneNumberId").GetString(),
                ["customer"] = new JsonObject { ["number"] = "+14155559001" },
            }),
        };
        vapi.Headers.Authorization = new("Bearer", app.Service<VapiConnection>().ApiKey);
        using var created = await app.Simulator.SendAsync(vapi);
        Assert.Equal(201, (int)created.StatusCode);
        var outside = await created.Content.ReadFromJsonAsync<JsonElement>();
        await SetNeverEndsAsync(app, 0);

        using var form = AppHost.Multipart(AppHost.SampleCsv(4), ("name", "Gated"), ("assistantId", assistant.GetProperty("id").GetInt64().ToString()),
            ("phoneLineId", line.GetProperty("id").GetInt64().ToString()), ("cap", "2"), ("mode", "batch"), ("lineQuietGating", "true"));
        using var create = await app.Http.PostAsync("api/campaigns", form);
        Assert.Equal(201, (int)create.StatusCode);
        var id = (await create.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("campaignId").GetInt64();
        Assert.True((await app.GetJsonAsync($"api/campaigns/{id}")).GetProperty("lineQuietGating").GetBoolean());
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);

        // Batch 1 (index 0) is not gated and finishes; batch 2 then asks Vapi about the line, twice, and still waits.
        var summary = await WaitAsync(app, $"api/campaigns/{id}", s => Batch(s, 0).GetProperty("terminal").GetInt32() == 2);
        var asked = (await app.SimStatsAsync()).GetProperty("callListRequests").GetInt64();
        while ((await app.SimStatsAsync()).GetProperty("callListRequests").GetInt64() < asked + 2) await Task.Delay(100);
        summary = await app.GetJsonAsync($"api/campaigns/{id}");
        Assert.Equal(2, Batch(summary, 1).GetProperty("pending").GetInt32());
        Assert.Equal(0, Batch(summary, 1).GetProperty("active").GetInt32());
        Assert.Equal(2, summary.GetProperty("counters").GetProperty("callsPlaced").GetInt32());

        // The outside call ends: batch 2 starts after it, and the campaign completes.
        using (var end = await app.Simulator.PostAsJsonAsync(outside.GetProperty("monitor").GetProperty("controlUrl").GetString(), new { type = "end-call" }))
            Assert.True(end.IsSuccessStatusCode, $"end-call answered {(int)end.StatusCode}");
        summary = await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(2));
        Assert.Equal(2, Batch(summary, 1).GetProperty("terminal").GetInt32());

        var simCalls = (await app.Simulator.GetFromJsonAsync<JsonElement>("_sim/calls")).EnumerateArray().ToList();
        var outsideEnded = EndedAt(simCalls.Single(c => c.GetProperty("id").GetString() == outside.GetProperty("id").GetString()));
        var campaignCalls = simCalls.Where(c => c.GetProperty("id").GetString() != outside.GetProperty("id").GetString())
            .Select(c => c.GetProperty("createdAt").GetDateTime()).Order().ToList();
        Assert.Equal(4, campaignCalls.Count);
        Assert.All(campaignCalls.Skip(2), at => Assert.True(at >= outsideEnded, $"a batch-2 call was created at {at:O}, before the line was quiet at {outsideEnded:O}"));
    }

    [Fact]
    public async Task Batches_InCampaignSummary_CountEachBatch()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(5), cap: 2, mode: "batch");
        var before = await app.GetJsonAsync($"api/campaigns/{id}");
        var batches = before.GetProperty("batches").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], batches.Select(b => b.GetProperty("index").GetInt32()));
        Assert.Equal([2, 2, 1], batches.Select(b => b.GetProperty("total").GetInt32()));
        Assert.All(batches, b => Assert.Equal(b.GetProperty("total").GetInt32(), b.GetProperty("pending").GetInt32()));

        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        var done = await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(2));
        Assert.All(done.GetProperty("batches").EnumerateArray(), b =>
        {
            Assert.Equal(b.GetProperty("total").GetInt32(), b.GetProperty("terminal").GetInt32());
            Assert.Equal(0, b.GetProperty("active").GetInt32() + b.GetProperty("pending").GetInt32());
        });

        var continuous = await app.CreateCampaignAsync(AppHost.SampleCsv(3, firstNumber: 700), cap: 2);
        Assert.Equal(JsonValueKind.Null, (await app.GetJsonAsync($"api/campaigns/{continuous}")).GetProperty("batches").ValueKind);
    }

    [Theory]
    [InlineData("continuous", "true")]
    [InlineData("batch", "perhaps")]
    public async Task Create_BadLineQuietGating_400NamesTheField(string mode, string value)
    {
        await using var app = AppHost.Start(Db.Sqlite);
        var assistant = (await app.GetJsonAsync("api/assistants"))[0].GetProperty("id").GetInt64();
        var line = (await app.GetJsonAsync("api/phone-lines"))[0].GetProperty("id").GetInt64();
        using var form = AppHost.Multipart(AppHost.SampleCsv(2), ("name", "x"), ("assistantId", assistant.ToString()), ("phoneLineId", line.ToString()),
            ("mode", mode), ("lineQuietGating", value));
        using var resp = await app.Http.PostAsync("api/campaigns", form);
        Assert.Equal(400, (int)resp.StatusCode);
        var problem = await resp.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("lineQuietGating", out _));
    }

    private static JsonElement Batch(JsonElement summary, int index)
        => summary.GetProperty("batches").EnumerateArray().Single(b => b.GetProperty("index").GetInt32() == index);

    private static DateTime EndedAt(JsonElement simCall) => simCall.GetProperty("timeline").EnumerateArray()
        .Where(t => t.GetProperty("status").GetString() == "ended").Select(t => t.GetProperty("at").GetDateTime()).Single();

    private static async Task SetNeverEndsAsync(AppHost app, double rate)
    {
        using var resp = await app.Simulator.PutAsJsonAsync("_sim/config", new { faults = new { rateNeverEnds = rate } });
        Assert.True(resp.IsSuccessStatusCode, await resp.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> WaitAsync(AppHost app, string path, Func<JsonElement, bool> done)
    {
        var until = DateTime.UtcNow.AddMinutes(2);
        JsonElement last;
        while (!done(last = await app.GetJsonAsync(path)))
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"not reached; last: {last}");
            await Task.Delay(100);
        }
        return last;
    }
}
