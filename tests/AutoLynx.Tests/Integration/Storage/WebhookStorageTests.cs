using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutoLynx.Features.Calls;
using AutoLynx.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace AutoLynx.Tests.Integration.Storage;

/// <summary>
/// Issue 16, storage: Vapi sends what an assistant's serverMessages ask for, by default conversation and speech updates
/// several times a turn, each carrying the call and the conversation so far. AutoLynx asks only for what it uses on the
/// assistants it creates, drops the rest at intake, keeps call events compact and purges old content on request.
/// </summary>
public sealed class WebhookStorageTests(ITestOutputHelper output)
{
    private static readonly string[] Applied = ["status-update", "end-of-call-report"];

    [Fact]
    public async Task ImportedAssistantWithVapiDefaults_ChattyMessagesAnsweredButNotStored_CallEventsCompact()
    {
        await using var app = AppHost.Start(Db.Sqlite, AppHost.OutcomesOnly("Talked"));
        var pid = await AssistantTests.SimCreateAssistantAsync(app, new JsonObject { ["name"] = "Made in Vapi's dashboard", ["firstMessage"] = "Hi {{name}}" });
        using var import = await app.Http.PostAsJsonAsync("api/assistants/import", new { providerAssistantId = pid });
        var imported = await import.Content.ReadFromJsonAsync<JsonElement>();
        // The directory says what the assistant makes Vapi send that AutoLynx does not use.
        var unused = imported.GetProperty("unusedServerMessages").EnumerateArray().Select(x => x.GetString()).ToList();
        Assert.Contains("conversation-update", unused);
        Assert.Contains("speech-update", unused);

        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(4), cap: 2, assistantId: imported.GetProperty("id").GetInt64());
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(2));
        await WaitForReportsAsync(app, id, 4);

        // Vapi (the simulator) delivered them, and AutoLynx answered 2xx…
        var delivered = (await app.SimCallsAsync()).SelectMany(c => c.GetProperty("webhooks").EnumerateArray())
            .Where(h => h.GetProperty("result").GetString() == "sent").Select(h => h.GetProperty("type").GetString()).ToList();
        Assert.Contains("conversation-update", delivered);
        Assert.Contains("speech-update", delivered);
        // …but stored only what it applies, and each call event is a few bytes, not a copy of the body.
        var inboxTypes = await app.WithDbAsync(d => d.WebhookInbox.Select(x => x.MessageType).Distinct().ToListAsync());
        Assert.All(inboxTypes, t => Assert.Contains(t, Applied));
        var events = await app.WithDbAsync(d => d.CallEvents.Where(e => e.CampaignId == id && (e.Type == "status-update" || e.Type == "end-of-call-report"))
            .Select(e => e.Payload).ToListAsync());
        Assert.NotEmpty(events);
        Assert.All(events, p => Assert.True((p?.Length ?? 0) < 200, $"call event payload of {p?.Length} characters"));

        // Bytes stored per call for its webhooks. Before this change every delivered body was stored twice, whole: in the
        // inbox and as a call event. Now: the applied types' bodies in the inbox (pruned after Retention:InboxHours) and
        // compact call events. (The call's own result — transcript, summary, recording URL — is the same either way.)
        var sentBytes = (await app.SimCallsAsync()).SelectMany(c => c.GetProperty("webhooks").EnumerateArray())
            .Where(h => h.GetProperty("result").GetString() == "sent").Sum(h => (long)h.GetProperty("bytes").GetInt32());
        var inboxBytes = await app.WithDbAsync(d => d.WebhookInbox.Select(x => x.Body.Length).ToListAsync());
        var eventBytes = await app.WithDbAsync(d => d.CallEvents.Where(e => e.CampaignId == id).Select(e => e.Payload == null ? 0 : e.Payload.Length).ToListAsync());
        const int calls = 4;
        var stored = inboxBytes.Sum(x => (long)x) + eventBytes.Sum(x => (long)x);
        output.WriteLine($"per call: Vapi sent {sentBytes / calls:N0} bytes of webhooks; stored before this change {2 * sentBytes / calls:N0}; "
            + $"stored now {stored / calls:N0} (inbox {inboxBytes.Sum(x => (long)x) / calls:N0}, call events {eventBytes.Sum(x => (long)x) / calls:N0}); "
            + "after inbox pruning " + $"{eventBytes.Sum(x => (long)x) / calls:N0}");
        Assert.True(sentBytes > 0, "the simulator reported no webhook bytes");
        Assert.True(stored < sentBytes, $"stored {stored} bytes of {sentBytes} sent: the chatty messages were kept");
    }

    [Fact]
    public async Task AssistantsAutoLynxCreates_AskVapiOnlyForTheMessagesItUses()
    {
        await using var app = AppHost.Start(Db.Sqlite, AppHost.OutcomesOnly("Talked"));
        using var create = await app.Http.PostAsJsonAsync("api/assistants", new { name = "Made here", templateId = (string?)null,
            config = new { firstMessage = "Hello", serverMessages = new[] { "transcript" } } });
        var made = await create.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(create.IsSuccessStatusCode, made.GetRawText());
        using var get = await app.Simulator.SendAsync(AssistantTests.SimRequest(HttpMethod.Get, $"assistant/{made.GetProperty("providerAssistantId").GetString()}"));
        var onVapi = await get.Content.ReadFromJsonAsync<JsonElement>();
        // A list the user set keeps its entries and gains what AutoLynx needs.
        Assert.Equal(["transcript", .. Applied], onVapi.GetProperty("serverMessages").EnumerateArray().Select(x => x.GetString()));

        // The demo assistant (created by AutoLynx at start-up) asks for exactly those: its calls bring no conversation updates.
        var demo = (await app.GetJsonAsync("api/assistants")).EnumerateArray().First(a => a.GetProperty("source").GetString() == "template");
        Assert.Empty(demo.GetProperty("unusedServerMessages").EnumerateArray());
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(3), assistantId: demo.GetProperty("id").GetInt64());
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(2));
        var types = (await app.SimCallsAsync()).SelectMany(c => c.GetProperty("webhooks").EnumerateArray()).Select(h => h.GetProperty("type").GetString()).Distinct();
        Assert.All(types, t => Assert.Contains(t, Applied));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Retention_DeletesAppliedInboxRows_PurgesOldCallContent_KeepsResults(Db db)
    {
        await using var app = AppHost.Start(db, AppHost.OutcomesOnly("Talked", new Dictionary<string, string?>
        {
            ["Retention:InboxHours"] = "0",
            ["Retention:CallContentDays"] = "30",
            ["Retention:IntervalMinutes"] = "600", // the test runs the pass itself
        }));
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(3));
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(2));
        await WaitForReportsAsync(app, id, 3);
        var applied = await app.WithDbAsync(d => d.WebhookInbox.CountAsync(x => x.ProcessedAt != null));
        Assert.True(applied >= 9, $"{applied} applied inbox rows");

        // Recent calls keep their content; only the inbox goes.
        var first = await app.Service<DataRetention>().RunOnceAsync(CancellationToken.None);
        Assert.Equal((applied, 0), first);
        Assert.Equal(0, await app.WithDbAsync(d => d.WebhookInbox.CountAsync(x => x.ProcessedAt != null)));
        Assert.Equal(3, await app.WithDbAsync(d => d.Calls.CountAsync(c => c.CampaignId == id && c.Transcript != null && c.RecordingUrl != null)));

        // Two of the calls ended 40 days ago: their transcript, conversation and recordings go; results stay. (A campaign can
        // also hold canceled attempts with no content, so the calls are picked by what they hold.)
        var talked = await app.WithDbAsync(d => d.Calls.Where(c => c.CampaignId == id && c.Transcript != null).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync());
        var old = talked.Take(2).ToList();
        await app.WithDbAsync(d => d.Calls.Where(c => old.Contains(c.Id)).ExecuteUpdateAsync(s => s.SetProperty(c => c.EndedAt, DateTime.UtcNow.AddDays(-40))));
        Assert.Equal((0, 2), await app.Service<DataRetention>().RunOnceAsync(CancellationToken.None));
        var calls = await app.WithDbAsync(d => d.Calls.Where(c => talked.Contains(c.Id)).OrderBy(c => c.Id).ToListAsync());
        Assert.All(calls.Take(2), c =>
        {
            Assert.Null(c.Transcript);
            Assert.Null(c.MessagesJson);
            Assert.Null(c.RecordingUrl);
            Assert.Null(c.StereoRecordingUrl);
            Assert.NotNull(c.Summary);
            Assert.NotNull(c.EndedReason);
            Assert.True(c.DurationSeconds > 0);
        });
        Assert.NotNull(calls[2].Transcript);
        Assert.Equal((0, 0), await app.Service<DataRetention>().RunOnceAsync(CancellationToken.None));
    }

    /// <summary>Every call's end-of-call report applied (it comes seconds after the campaign completes).</summary>
    private static Task WaitForReportsAsync(AppHost app, long campaignId, int calls) => AppHost.WaitUntilAsync(
        () => app.WithDbAsync(d => d.CallEvents.CountAsync(e => e.CampaignId == campaignId && e.Type == "end-of-call-report")),
        n => n >= calls, TimeSpan.FromMinutes(1), "end-of-call reports");
}
