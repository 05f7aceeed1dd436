using System.Text.Json;
using AutoLynx.Tests.Infrastructure;

namespace AutoLynx.Tests.Integration.Engine;

/// <summary>
/// Issue 11, defect 1: Vapi's "Over Concurrency Limit" is about the account, not the contact. The contact is given
/// back (never failed), the account's room is lowered, and the counters show what Vapi accepted.
/// </summary>
public sealed class ConcurrencyRefusalTests
{
    public static TheoryData<Db, string> Behaviours => new()
    {
        { Db.Sqlite, "400" },
        { Db.Postgres, "400" },
        { Db.Sqlite, "blocked-201" },
    };

    [Theory]
    [MemberData(nameof(Behaviours))]
    public async Task AccountLimitBelowAccountCap_NoContactFails_EachRingsOnce_CountersShowAccepted(Db db, string behaviour)
    {
        // Every call a person answers: any contact that fails here failed because of the refusals.
        await using var app = AppHost.Start(db, AppHost.OutcomesOnly("Talked", new Dictionary<string, string?>
        {
            ["Simulator:ConcurrencyLimit"] = "3",
            ["Simulator:ConcurrencyLimitBehavior"] = behaviour,
            ["Dialer:AccountCap"] = "10",
            // Vapi may leave the limit out of its 201 (the spec makes it optional): then AutoLynx can only learn it from the
            // refusals this test is about. With the limit reported, the first 201 back could teach it before the fourth POST
            // went out, and a loaded CI machine then saw no refusal at all.
            ["Simulator:ReportConcurrencyLimit"] = "false",
            // Calls long enough (0.5 s and up, about 2.5 s on average) that the first eight launches overlap.
            ["Simulator:TimeScale"] = "0.015",
        }));
        const int contacts = 30;
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(contacts), cap: 8);
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        var done = await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(4));

        var stats = await app.SimStatsAsync();
        var refusals = stats.GetProperty(behaviour == "400" ? "concurrencyRejected" : "concurrencyBlocked").GetInt32();
        Assert.True(refusals > 0, "the account limit was never reached: the test proves nothing");
        Assert.InRange(stats.GetProperty("maxConcurrentAccount").GetInt32(), 1, 3);
        await app.AssertEachNumberRangOnceAsync(contacts);

        var counters = done.GetProperty("counters");
        Assert.Equal(0, counters.GetProperty("failed").GetInt32());
        Assert.Equal(contacts, counters.GetProperty("completed").GetInt32());
        // What Vapi accepted and dialled: one call per contact, refusals not counted as placed.
        Assert.Equal(contacts, counters.GetProperty("callsPlaced").GetInt32());
        var contactsPage = await app.GetJsonAsync($"api/campaigns/{id}/contacts?pageSize=100");
        Assert.DoesNotContain(contactsPage.GetProperty("items").EnumerateArray(), c => c.GetProperty("lastOutcome").GetString() is "rejected" or "concurrency-limited");
    }

    [Fact]
    public async Task RefusedOverAndOver_CampaignPausedWithTheReason_NotBurntThrough()
    {
        await using var app = AppHost.Start(Db.Sqlite, new Dictionary<string, string?>
        {
            ["Dialer:RefusalsBeforePause"] = "5",
        });
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(20), cap: 2);
        // The account is full with calls AutoLynx did not place: every POST is refused.
        await app.ScriptFaultAsync(400, "/call", "POST", "Over Concurrency Limit", count: 1000);
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        var paused = await app.WaitForStatusAsync(id, "PAUSED", TimeSpan.FromMinutes(1));

        Assert.Contains("concurrency limit", paused.GetProperty("statusReason").GetString());
        Assert.Equal(0, (await app.SimStatsAsync()).GetProperty("totalCalls").GetInt32());
        var counters = paused.GetProperty("counters");
        Assert.Equal(0, counters.GetProperty("failed").GetInt32());
        Assert.Equal(20, counters.GetProperty("pending").GetInt32());
        Assert.Equal(0, counters.GetProperty("callsPlaced").GetInt32());
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task KeyRefused_CampaignPaused_ContactGivenBack(int status)
    {
        await using var app = AppHost.Start(Db.Sqlite);
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(5), cap: 1);
        await app.ScriptFaultAsync(status, "/call", "POST", "Invalid Key. Hot tip, you may be using the private key instead of the public key, or vice versa.");
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        var paused = await app.WaitForStatusAsync(id, "PAUSED", TimeSpan.FromMinutes(1));
        Assert.Contains("API key", paused.GetProperty("statusReason").GetString());
        Assert.Equal(5, paused.GetProperty("counters").GetProperty("pending").GetInt32());
        Assert.Equal(0, paused.GetProperty("counters").GetProperty("failed").GetInt32());

        // The give-back and the pause are one write: the freed slot never lets the next contact through. (With two writes, the
        // dispatcher sometimes launched contact 2 in between, and the only refusal scripted here let that call ring.)
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(0, (await app.SimStatsAsync()).GetProperty("totalCalls").GetInt32());
        var later = await app.GetJsonAsync($"api/campaigns/{id}");
        Assert.Equal("PAUSED", later.GetProperty("status").GetString());
        Assert.Equal(5, later.GetProperty("counters").GetProperty("pending").GetInt32());
    }

    /// <summary>The assistant deleted in Vapi's dashboard after the start check: paused with what happened and what to do.</summary>
    [Fact]
    public async Task AssistantGoneMidCampaign_CampaignPausedSayingWhatToDo_ContactGivenBack()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(4), cap: 1);
        await app.ScriptFaultAsync(400, "/call", "POST", "Couldn't Get Assistant. `assistantId` 3f0e Does Not Exist.");
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        var paused = await app.WaitForStatusAsync(id, "PAUSED", TimeSpan.FromMinutes(1));
        var reason = paused.GetProperty("statusReason").GetString()!;
        Assert.Contains("cannot find the campaign's assistant or phone line", reason);
        Assert.Contains("Does Not Exist", reason); // Vapi's own words
        Assert.Contains("Duplicate", reason);      // and what to do
        Assert.Equal(4, paused.GetProperty("counters").GetProperty("pending").GetInt32());
        Assert.Equal(0, paused.GetProperty("counters").GetProperty("failed").GetInt32());
        Assert.Equal(0, (await app.SimStatsAsync()).GetProperty("totalCalls").GetInt32());
    }
}
