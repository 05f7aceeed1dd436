using System.Text.Json;
using AutoLynx.Tests.Infrastructure;

namespace AutoLynx.Tests.Integration;

public sealed class LiveEventsTests
{
    [Fact]
    public async Task Events_StreamedAsSse_ForEveryCallUntilCompleted()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(5), cap: 5);

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var req = new HttpRequestMessage(HttpMethod.Get, $"api/campaigns/{id}/events");
        using var resp = await app.Http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", resp.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await resp.Content.ReadAsStreamAsync(cts.Token));
        Assert.Equal(": connected", await reader.ReadLineAsync(cts.Token));

        await app.Http.PostAsync($"api/campaigns/{id}/start", null, cts.Token);
        var changes = new List<JsonElement>();
        while (!changes.Any(c => c.GetProperty("kind").GetString() == "status" && c.GetProperty("status").GetString() == "COMPLETED"))
        {
            var line = await reader.ReadLineAsync(cts.Token);
            Assert.NotNull(line);
            if (line.StartsWith("data: ", StringComparison.Ordinal)) changes.Add(JsonDocument.Parse(line[6..]).RootElement.Clone());
        }
        Assert.All(changes, c => Assert.Equal(id, c.GetProperty("campaignId").GetInt64()));
        var endedCalls = changes.Where(c => c.GetProperty("kind").GetString() == "call" && c.GetProperty("status").GetString() is "ENDED" or "FAILED")
            .Select(c => c.GetProperty("callId").GetInt64()).Distinct().Count();
        Assert.Equal(5, endedCalls);
    }

    [Fact]
    public async Task Events_UnknownCampaign_404()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        using var resp = await app.Http.GetAsync("api/campaigns/4242/events");
        Assert.Equal(404, (int)resp.StatusCode);
    }
}
