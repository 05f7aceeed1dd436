using System.Net.Http.Json;
using System.Text.Json;
using AutoLynx.Features.Calls;
using AutoLynx.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Tests.Integration.Engine;

/// <summary>
/// Issue 11, defects 2, 3 and 10 (201 unreadable): one POST per call row; "not found" right after a timeout proves
/// nothing; Pause acts at once; a provider id for a row we had given up on is recorded; shutdown lets POSTs finish.
/// Judged by the simulator.
/// </summary>
public sealed class LaunchTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task RateLimitedWithLongRetryAfter_OutlivesRecoveryCutOff_ContactRingsOnce(Db db)
    {
        // The old retry loop slept through Retry-After while the LAUNCHING recovery (30 s at this StuckAfter) gave the
        // contact back; the dispatcher claimed it again and both POSTed.
        await using var app = AppHost.Start(db, new Dictionary<string, string?> { ["Dialer:StuckAfter"] = "00:00:02" });
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(1), cap: 1);
        await app.ScriptFaultAsync(429, "/call", "POST", "Rate limit exceeded", retryAfter: 35);
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(2));

        await app.AssertEachNumberRangOnceAsync(1);
        var calls = (await app.GetJsonAsync($"api/campaigns/{id}/calls")).EnumerateArray().ToList();
        Assert.Equal("not-placed", calls[0].GetProperty("outcome").GetString()); // the 429: Vapi created nothing
        Assert.Single(calls, c => c.GetProperty("providerCallId").ValueKind == JsonValueKind.String);
        var waited = calls[1].GetProperty("createdAt").GetDateTime() - calls[0].GetProperty("createdAt").GetDateTime();
        Assert.True(waited >= TimeSpan.FromSeconds(34), $"Retry-After honoured: the second try came {waited.TotalSeconds:0.0} s after the first");
    }

    [Fact]
    public async Task PauseWhileRateLimited_NoPostUntilResumed()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(2), cap: 2);
        await app.ScriptFaultAsync(429, "/call", "POST", "Rate limit exceeded", count: 2, retryAfter: 3);
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        await AppHost.WaitUntilAsync(() => app.WithDbAsync(d => d.Calls.CountAsync(c => c.CampaignId == id && c.Outcome == CallOutcome.NotPlaced)), n => n == 2);
        using (var pause = await app.Http.PostAsync($"api/campaigns/{id}/pause", null)) Assert.Equal(200, (int)pause.StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(6)); // twice the Retry-After: the old loop would have POSTed by now
        Assert.Equal(0, (await app.SimStatsAsync()).GetProperty("totalCalls").GetInt32());

        await app.Http.PostAsync($"api/campaigns/{id}/resume", null);
        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(1));
        await app.AssertEachNumberRangOnceAsync(2);
    }

    [Fact]
    public async Task CallAppearsAfterItWasGivenBack_RecordedAndCountedNeverIgnored()
    {
        // A grace far shorter than Vapi's delay (outside what the engine promises): the contact is given back and dialled
        // again before the first call appears. Both calls then exist at Vapi; AutoLynx must show both, not drop one.
        await using var app = AppHost.Start(Db.Sqlite, new Dictionary<string, string?>
        {
            ["Simulator:Faults:RateLateCreate"] = "1",
            ["Simulator:Faults:LateCreateMs"] = "4000",
            ["Vapi:RequestTimeout"] = "00:00:01",
            ["Dialer:LateCreateGrace"] = "00:00:00.500",
        });
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(1), cap: 1);
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        // Let every late call appear and end, then stop dialling.
        await AppHost.WaitUntilAsync(async () => (await app.SimStatsAsync()).GetProperty("totalCalls").GetInt32(), n => n >= 2, TimeSpan.FromSeconds(60));
        await app.SimConfigAsync(new { faults = new { rateLateCreate = 0 } });
        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(2));
        await AppHost.WaitUntilAsync(async () => (await app.SimCallsAsync()).All(c => c.GetProperty("webhooksSettled").GetBoolean()), ok => ok);

        var sim = await app.SimCallsAsync();
        var ours = (await app.GetJsonAsync($"api/campaigns/{id}/calls")).EnumerateArray()
            .Where(c => c.GetProperty("providerCallId").ValueKind == JsonValueKind.String)
            .ToDictionary(c => c.GetProperty("providerCallId").GetString()!);
        Assert.Equal(sim.Count, ours.Count);
        foreach (var s in sim)
        {
            var mine = ours[s.GetProperty("id").GetString()!];
            Assert.Equal(s.GetProperty("endedReason").GetString(), mine.GetProperty("endedReason").GetString());
            Assert.Contains(mine.GetProperty("status").GetString(), new[] { "ENDED", "FAILED" });
        }
        var contact = (await app.GetJsonAsync($"api/campaigns/{id}/contacts")).GetProperty("items")[0];
        Assert.Equal(sim.Count, contact.GetProperty("attempts").GetInt32());
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task CreatedButUnreadableBody_CallAdoptedByLookup_NeverFailedNorRedialled(Db db)
    {
        // Every call a person answers: a contact that fails here failed because of the unreadable answer.
        await using var app = AppHost.Start(db, AppHost.OutcomesOnly("Talked", new Dictionary<string, string?> { ["Simulator:Faults:RateGarbledCreate"] = "0.5" }));
        const int contacts = 10;
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(contacts), cap: 3);
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        var done = await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(2));

        Assert.True((await app.SimStatsAsync()).GetProperty("faults").GetProperty("garbledCreates").GetInt32() > 0);
        await app.AssertEachNumberRangOnceAsync(contacts);
        Assert.Equal(contacts, done.GetProperty("counters").GetProperty("callsPlaced").GetInt32());
        var calls = (await app.GetJsonAsync($"api/campaigns/{id}/calls")).EnumerateArray().ToList();
        Assert.Equal(contacts, calls.Count);
        Assert.DoesNotContain(calls, c => c.GetProperty("outcome").GetString() is "rejected" or "not-placed");
        Assert.Equal(0, done.GetProperty("counters").GetProperty("failed").GetInt32());
        var people = (await app.GetJsonAsync($"api/campaigns/{id}/contacts?pageSize=100")).GetProperty("items").EnumerateArray().ToList();
        Assert.All(people, c => Assert.Equal("talked", c.GetProperty("lastOutcome").GetString()));
    }

    [Fact]
    public async Task Shutdown_WithPostsInFlight_LetsThemFinishAndRecordsTheirAnswers()
    {
        await using var app = AppHost.Start(Db.Sqlite, new Dictionary<string, string?>
        {
            ["Simulator:Faults:RateSlowResponse"] = "1",
            ["Simulator:Faults:SlowResponseMs"] = "1500",
            ["Simulator:TimeScale"] = "1", // calls stay live: only the POSTs matter here
        });
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(3), cap: 3);
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        await AppHost.WaitUntilAsync(() => app.WithDbAsync(d => d.Calls.CountAsync(c => c.CampaignId == id && c.Status == CallStatus.Launching)), n => n == 3);

        await app.StopGracefullyAsync(); // a deploy, while the three POSTs are still waiting for Vapi

        var rows = await app.WithDbAsync(d => d.Calls.AsNoTracking().Where(c => c.CampaignId == id).ToListAsync());
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.NotNull(r.ProviderCallId));
        Assert.All(rows, r => Assert.NotEqual(CallStatus.Launching, r.Status));
    }
}
