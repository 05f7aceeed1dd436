using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutoLynx.Features.Assistants;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Engine;
using AutoLynx.Tests.Infrastructure;
using AutoLynx.VapiSimulator;

namespace AutoLynx.Tests.Integration;

/// <summary>Two app instances on one PostgreSQL and one Vapi: one leader dials, both take webhooks, caps hold.</summary>
public sealed class MultiInstanceTests
{
    [Fact]
    public async Task TwoInstances_OneDatabase_EachContactOnceAndCapsHold()
    {
        const string secret = "multi-secret";
        await using var sim = await VapiSimulatorHost.StartAsync(new SimulatorOptions
        {
            TimeScale = 0.005, Seed = 5, WebhookSecret = secret, ConcurrencyLimit = 10,
        });
        var database = $"autolynx_multi_{Guid.NewGuid():N}"[..40];
        await using var a = AppHost.StartAgainst(sim.BaseUrl, sim.Options.ApiKey, secret, database, ownsDatabase: true);
        await using var b = AppHost.StartAgainst(sim.BaseUrl, sim.Options.ApiKey, secret, database, ownsDatabase: false);
        // Vapi's webhooks all go to instance B; whichever instance leads must still see them (inbox + NOTIFY).
        sim.Options.WebhookUrl = new Uri(b.BaseUrl, "api/webhooks/vapi").ToString();

        // An assistant that exists on the (simulated) Vapi account, in the shared directory.
        using var simHttp = new HttpClient { BaseAddress = sim.BaseUrl };
        simHttp.DefaultRequestHeaders.Authorization = new("Bearer", sim.Options.ApiKey);
        var created = await (await simHttp.PostAsJsonAsync("assistant", new JsonObject { ["name"] = "Multi" })).Content.ReadFromJsonAsync<JsonElement>();
        await a.WithDbAsync(async db =>
        {
            db.Assistants.Add(new Assistant
            {
                ProviderAssistantId = created.GetProperty("id").GetString()!, Name = "Multi", Source = AssistantSource.Imported,
                CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
            });
            return await db.SaveChangesAsync();
        });

        var leaders = new[] { a.Service<EngineLease>(), b.Service<EngineLease>() };
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until && leaders.Count(l => l.IsLeader) != 1) await Task.Delay(100);
        Assert.Equal(1, leaders.Count(l => l.IsLeader));

        var first = await a.CreateCampaignAsync(AppHost.SampleCsv(30, firstNumber: 100), cap: 4, name: "A");
        var second = await b.CreateCampaignAsync(AppHost.SampleCsv(30, firstNumber: 500), cap: 4, name: "B");
        await a.Http.PostAsync($"api/campaigns/{first}/start", null);
        await b.Http.PostAsync($"api/campaigns/{second}/start", null);
        await a.WaitForStatusAsync(first, "COMPLETED", TimeSpan.FromMinutes(3));
        await a.WaitForStatusAsync(second, "COMPLETED", TimeSpan.FromMinutes(3));

        var stats = sim.GetStats();
        var json = JsonSerializer.SerializeToElement(stats, JsonSerializerOptions.Web);
        Assert.InRange(json.GetProperty("maxConcurrentAccount").GetInt32(), 1, 8);
        var perNumber = json.GetProperty("callsByCustomerNumber").EnumerateObject().ToList();
        Assert.Equal(60, perNumber.Count);
        Assert.All(perNumber, p => Assert.Equal(1, p.Value.GetInt32()));
        Assert.Equal(1, leaders.Count(l => l.IsLeader));
    }
}
