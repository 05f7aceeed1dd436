using System.Text.Json;
using AutoLynx.Tests.Infrastructure;

namespace AutoLynx.Tests.Integration.Compliance;

/// <summary>
/// Issue 13, retries and numbers shared between campaigns: only the outcomes a policy names are tried again, after its
/// delays, up to its attempts; a callback the person asked for is honoured; one number is never on two calls at once and
/// never called more often than the 24-hour limit, over every campaign. Judged by the simulator.
/// </summary>
public sealed class RetryTests
{
    private const string BusyRetried = """{"retry": {"outcomes": ["busy"], "delays": ["00:01:00", "00:02:00"], "maxAttempts": 3}}""";

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task BusyRetriedUpToMaxAttempts_NoAnswerCalledOnce(Db db)
    {
        await using var app = AppHost.Start(db, AppHost.OutcomesOnly("Busy"));
        var busy = await app.CreateCampaignAsync(AppHost.SampleCsv(2), cap: 2, policy: BusyRetried);
        await app.Http.PostAsync($"api/campaigns/{busy}/start", null);
        await app.WaitForStatusAsync(busy, "COMPLETED", TimeSpan.FromMinutes(1));
        var byNumber = (await app.SimCallsAsync()).GroupBy(c => c.GetProperty("customerNumber").GetString()!).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(2, byNumber.Count);
        Assert.All(byNumber.Values, calls => Assert.Equal(3, calls.Count));
        // Each retry waited for its delay (one and two minutes, scaled like the demo's calls: 0.005) after the call before ended.
        foreach (var calls in byNumber.Values)
        {
            var ordered = calls.OrderBy(c => c.GetProperty("createdAt").GetDateTimeOffset()).ToList();
            for (var i = 1; i < ordered.Count; i++)
                Assert.True(ordered[i].GetProperty("createdAt").GetDateTimeOffset() >= ordered[i - 1].GetProperty("endedAt").GetDateTimeOffset(),
                    "a retry starts only after the call before it ended");
        }
        var contact = (await app.ContactsByNameAsync(busy))["Person 0"];
        Assert.Equal(3, contact.GetProperty("attempts").GetInt32());
        Assert.Equal("busy", contact.GetProperty("lastOutcome").GetString());

        await app.SimConfigAsync(new { outcomes = new { busy = 0, noAnswer = 1 } });
        var noAnswer = await app.CreateCampaignAsync(AppHost.SampleCsv(2, firstNumber: 300), cap: 2, policy: BusyRetried, name: "No answer");
        await app.Http.PostAsync($"api/campaigns/{noAnswer}/start", null);
        await app.WaitForStatusAsync(noAnswer, "COMPLETED", TimeSpan.FromMinutes(1));
        Assert.Equal(2, (await app.SimNumbersAsync()).Count(n => n.EndsWith("0300") || n.EndsWith("0301")));
    }

    [Fact]
    public async Task RetryWaiting_CampaignSaysWhenItCallsAgain()
    {
        // A real delay (not compressed): the campaign has nothing to do for a minute and says so.
        await using var app = AppHost.Start(Db.Sqlite, AppHost.OutcomesOnly("Busy", new Dictionary<string, string?> { ["Simulator:TimeScale"] = "1", ["Simulator:Outcomes:Busy"] = "1" }));
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(1), cap: 1, policy: BusyRetried);
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        var campaign = await AppHost.WaitUntilAsync(() => app.GetJsonAsync($"api/campaigns/{id}"),
            c => c.TryGetProperty("waiting", out var w) && w.ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(30), "waiting for the retry");
        var waiting = campaign.GetProperty("waiting");
        Assert.Equal("retry-scheduled", waiting.GetProperty("reason").GetString());
        Assert.StartsWith("Waiting to call again (retry policy)", waiting.GetProperty("message").GetString());
        await app.Http.PostAsync($"api/campaigns/{id}/stop", null);
    }

    [Fact]
    public async Task CallbackAsked_CalledAgainThen()
    {
        await using var app = AppHost.Start(Db.Sqlite, AppHost.OutcomesOnly("Talked", new Dictionary<string, string?>
        {
            ["Simulator:Outcomes:Callback"] = "1", ["Simulator:Outcomes:CallbackAfterMs"] = "3000",
        }));
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(1), cap: 1, policy: """{"retry": {"outcomes": [], "delays": ["00:01:00"], "maxAttempts": 2}}""");
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        var waiting = await AppHost.WaitUntilAsync(() => app.ContactsByNameAsync(id),
            c => c["Person 0"].GetProperty("reason").GetString() == "callback-requested", what: "the callback is scheduled");
        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(1));

        var calls = (await app.SimCallsAsync()).OrderBy(c => c.GetProperty("createdAt").GetDateTimeOffset()).ToList();
        Assert.Equal(2, calls.Count); // asked again on the second call, but two attempts is the policy's most
        var asked = calls[0].GetProperty("endedAt").GetDateTimeOffset().AddSeconds(3);
        Assert.Equal(asked.UtcDateTime, waiting["Person 0"].GetProperty("nextAttemptAt").GetDateTime(), TimeSpan.FromSeconds(1));
        Assert.True(calls[1].GetProperty("createdAt").GetDateTimeOffset() >= asked, "called back no earlier than asked");
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task SameNumbersInTwoCampaigns_NeverOnTwoCallsAtOnce(Db db)
    {
        await using var app = AppHost.Start(db, AppHost.OutcomesOnly("Talked", new Dictionary<string, string?> { ["Simulator:TimeScale"] = "0.02" }));
        var a = await app.CreateCampaignAsync(AppHost.SampleCsv(3), cap: 3, name: "A");
        var b = await app.CreateCampaignAsync(AppHost.SampleCsv(3), cap: 3, name: "B");
        await app.Http.PostAsync($"api/campaigns/{a}/start", null);
        await app.Http.PostAsync($"api/campaigns/{b}/start", null);
        await app.WaitForStatusAsync(a, "COMPLETED", TimeSpan.FromMinutes(2));
        await app.WaitForStatusAsync(b, "COMPLETED", TimeSpan.FromMinutes(2));

        var calls = await app.SimCallsAsync();
        foreach (var number in calls.GroupBy(c => c.GetProperty("customerNumber").GetString()))
        {
            var spans = number.Select(c => (From: c.GetProperty("createdAt").GetDateTimeOffset(), To: c.GetProperty("endedAt").GetDateTimeOffset()))
                .OrderBy(s => s.From).ToList();
            Assert.Equal(2, spans.Count); // once per campaign
            Assert.True(spans[1].From >= spans[0].To, $"{number.Key}: the second call started before the first ended");
        }
    }

    [Fact]
    public async Task DailyLimitOverCampaigns_SecondCampaignWaitsTwentyFourHours()
    {
        var clock = new MovableClock(DateTimeOffset.UtcNow);
        await using var app = AppHost.Start(Db.Sqlite, AppHost.OutcomesOnly("Talked"), clock.Install);
        const string onePerDay = """{"maxCallsPerNumberPer24h": 1}""";
        var a = await app.CreateCampaignAsync(AppHost.SampleCsv(1), cap: 1, name: "Monday's list", policy: onePerDay);
        await app.Http.PostAsync($"api/campaigns/{a}/start", null);
        await app.WaitForStatusAsync(a, "COMPLETED", TimeSpan.FromMinutes(1));

        var b = await app.CreateCampaignAsync(AppHost.SampleCsv(1), cap: 1, name: "Same person, other list", policy: onePerDay);
        await app.Http.PostAsync($"api/campaigns/{b}/start", null);
        var contact = (await AppHost.WaitUntilAsync(() => app.ContactsByNameAsync(b),
            c => c["Person 0"].GetProperty("reason").GetString() == "daily-limit"))["Person 0"];
        var firstCallAt = (await app.GetJsonAsync($"api/campaigns/{a}/calls"))[0].GetProperty("createdAt").GetDateTime();
        Assert.Equal(firstCallAt.AddHours(24), contact.GetProperty("nextAttemptAt").GetDateTime(), TimeSpan.FromSeconds(2));
        Assert.Single(await app.SimCallsAsync());

        clock.MoveTo(DateTimeOffset.UtcNow.AddHours(24).AddSeconds(5));
        await app.WaitForStatusAsync(b, "COMPLETED", TimeSpan.FromMinutes(1));
        Assert.Equal(2, (await app.SimCallsAsync()).Count);
    }
}
