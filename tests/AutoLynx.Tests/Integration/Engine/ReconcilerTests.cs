using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutoLynx.Features.Calls;
using AutoLynx.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Tests.Integration.Engine;

/// <summary>
/// Issue 11, defects 6 and 10 (late report): the reconciler never starves, every unresolved call gets a final answer
/// in bounded time, and a report that comes after we gave up is still shown.
/// </summary>
public sealed class ReconcilerTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task AmbiguousPostsAndLookupsThatKeepFailing_TimeoutAfterBoundedTime_CampaignFinishes_NoRedial(Db db)
    {
        await using var app = AppHost.Start(db, new Dictionary<string, string?>
        {
            ["Simulator:Faults:RateTimeoutAfterCreate"] = "1",
            ["Simulator:Faults:RateDropWebhook"] = "1",
            ["Vapi:RequestTimeout"] = "00:00:01",
            ["Dialer:LookupGiveUpAfter"] = "00:00:06",
        });
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(3), cap: 3);
        await app.ScriptFaultAsync(503, "/call", "GET", "Service Unavailable", count: 100_000); // every lookup fails
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        var done = await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(2));

        var calls = (await app.GetJsonAsync($"api/campaigns/{id}/calls")).EnumerateArray().ToList();
        Assert.Equal(3, calls.Count);
        Assert.All(calls, c => Assert.Equal("TIMEOUT", c.GetProperty("status").GetString()));
        Assert.All(calls, c => Assert.Contains("not dialled again", c.GetProperty("errorMessage").GetString()));
        Assert.Equal(3, done.GetProperty("counters").GetProperty("failed").GetInt32());
        await app.AssertEachNumberRangOnceAsync(3); // it may have rung: never dialled again
    }

    [Fact]
    public async Task ManySilentCallsWhoseLookupsFail_DoNotStarveTheOthers()
    {
        // More silent calls with failing lookups than one pass takes (200), all older than a few whose lookups work.
        await using var app = AppHost.Start(Db.Sqlite, new Dictionary<string, string?>
        {
            ["Simulator:Faults:RateDropWebhook"] = "1",
            ["Simulator:Faults:RateGetCallError"] = "1",
            ["Simulator:ConcurrencyLimit"] = "400",
            ["Dialer:AccountCap"] = "400",
            ["Dialer:StuckAfter"] = "00:00:02",
            ["Dialer:GiveUpAfter"] = "00:10:00",
        });
        // A line with many trunks (the demo line allows 10 at once).
        await app.WithDbAsync(d => d.PhoneLines.ExecuteUpdateAsync(s => s.SetProperty(l => l.MaxConcurrent, 400)));
        var stuck = await app.CreateCampaignAsync(AppHost.SampleCsv(210, firstNumber: 1000), cap: 300, name: "Lookups fail");
        await app.Http.PostAsync($"api/campaigns/{stuck}/start", null);
        await AppHost.WaitUntilAsync(async () => (await app.SimStatsAsync()).GetProperty("totalCalls").GetInt32(), n => n == 210, TimeSpan.FromMinutes(1));
        await AppHost.WaitUntilAsync(async () => (await app.SimStatsAsync()).GetProperty("activeCalls").GetInt32(), n => n == 0, TimeSpan.FromMinutes(1));

        await app.SimConfigAsync(new { faults = new { rateGetCallError = 0 } });
        var fine = await app.CreateCampaignAsync(AppHost.SampleCsv(5, firstNumber: 5000), cap: 5, name: "Lookups work");
        await app.Http.PostAsync($"api/campaigns/{fine}/start", null);
        var done = await app.WaitForStatusAsync(fine, "COMPLETED", TimeSpan.FromSeconds(90));

        var calls = (await app.GetJsonAsync($"api/campaigns/{fine}/calls")).EnumerateArray().ToList();
        Assert.All(calls, c => Assert.Contains(c.GetProperty("status").GetString(), new[] { "ENDED", "FAILED" }));
        Assert.Equal(5, done.GetProperty("counters").GetProperty("completed").GetInt32() + done.GetProperty("counters").GetProperty("failed").GetInt32());
        // The failing ones were asked about (and are asked again, with backoff), not given up early.
        Assert.True((await app.SimStatsAsync()).GetProperty("faults").GetProperty("getCallErrors").GetInt32() >= 200);
        Assert.Equal(0, await app.WithDbAsync(d => d.Calls.CountAsync(c => c.CampaignId == stuck && c.Status == CallStatus.Timeout)));
    }

    [Fact]
    public async Task SilentCallsWhoseLookupsFail_TimeoutAfterGiveUp_ContactsFailWithTheReason()
    {
        await using var app = AppHost.Start(Db.Sqlite, new Dictionary<string, string?>
        {
            ["Simulator:Faults:RateDropWebhook"] = "1",
            ["Simulator:Faults:RateGetCallError"] = "1",
            ["Dialer:StuckAfter"] = "00:00:01",
            ["Dialer:GiveUpAfter"] = "00:00:03",
        });
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(4), cap: 4);
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        var done = await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(1));
        Assert.Equal(4, done.GetProperty("counters").GetProperty("failed").GetInt32());
        var contacts = (await app.GetJsonAsync($"api/campaigns/{id}/contacts")).GetProperty("items").EnumerateArray().ToList();
        Assert.All(contacts, c => Assert.Equal("timeout", c.GetProperty("lastOutcome").GetString()));
        Assert.All(contacts, c => Assert.Contains("could not say", c.GetProperty("lastEndedReason").GetString()));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task EndOfCallReportAfterTimeout_ShowsTheResult_CallEndedContactCompleted(Db db)
    {
        await using var app = AppHost.Start(db, AppHost.OutcomesOnly("Talked", new Dictionary<string, string?>
        {
            ["Simulator:Faults:RateDropWebhook"] = "1",
            ["Simulator:Faults:RateGetCallError"] = "1",
            ["Dialer:StuckAfter"] = "00:00:01",
            ["Dialer:GiveUpAfter"] = "00:00:01",
        }));
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(1), cap: 1);
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(1));
        var call = (await app.GetJsonAsync($"api/campaigns/{id}/calls"))[0];
        Assert.Equal("TIMEOUT", call.GetProperty("status").GetString());

        // Vapi's end-of-call report arrives after all (a retry, a replay): it is the truth, and it shows.
        var providerId = call.GetProperty("providerCallId").GetString()!;
        var report = new JsonObject
        {
            ["message"] = new JsonObject
            {
                ["type"] = "end-of-call-report", ["endedReason"] = "customer-ended-call", ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                ["startedAt"] = DateTime.UtcNow.AddSeconds(-95).ToString("O"), ["endedAt"] = DateTime.UtcNow.AddSeconds(-5).ToString("O"), ["cost"] = 0.21,
                ["analysis"] = new JsonObject { ["summary"] = "Booked a demo.", ["successEvaluation"] = "true" },
                ["artifact"] = new JsonObject { ["transcript"] = "AI: Hello\nUser: Hi", ["recordingUrl"] = "https://storage.vapi.ai/late.wav" },
                ["call"] = new JsonObject { ["id"] = providerId, ["status"] = "ended", ["endedReason"] = "customer-ended-call" },
            },
        };
        using var post = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/vapi") { Content = new StringContent(report.ToJsonString(), Encoding.UTF8, "application/json") };
        post.Headers.Add("X-Vapi-Secret", app.WebhookSecret);
        using (var resp = await app.Anonymous().SendAsync(post)) Assert.Equal(200, (int)resp.StatusCode);

        var after = await AppHost.WaitUntilAsync(async () => (await app.GetJsonAsync($"api/campaigns/{id}/calls"))[0],
            c => c.GetProperty("status").GetString() == "ENDED");
        Assert.Equal("talked", after.GetProperty("outcome").GetString());
        Assert.Equal("Booked a demo.", after.GetProperty("summary").GetString());
        Assert.Equal(0.21m, after.GetProperty("cost").GetDecimal());
        var contact = (await app.GetJsonAsync($"api/campaigns/{id}/contacts")).GetProperty("items")[0];
        Assert.Equal("COMPLETED", contact.GetProperty("state").GetString());
        Assert.Equal("talked", contact.GetProperty("lastOutcome").GetString());
        var summary = await app.GetJsonAsync($"api/campaigns/{id}");
        Assert.Equal(1, summary.GetProperty("counters").GetProperty("completed").GetInt32());
        Assert.Equal(0, summary.GetProperty("counters").GetProperty("failed").GetInt32());
    }
}
