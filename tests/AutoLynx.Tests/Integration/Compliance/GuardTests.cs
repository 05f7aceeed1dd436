using System.Net.Http.Json;
using System.Text.Json;
using AutoLynx.Tests.Infrastructure;

namespace AutoLynx.Tests.Integration.Compliance;

/// <summary>
/// Issue 13, pacing and guards: call starts paced (measured from the simulator's own timestamps), the failure breaker,
/// the spend cap, the consent rule, scheduled start and end, and the number pool with local presence.
/// </summary>
public sealed class GuardTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task CampaignPacing_StartsNeverFasterThanTheRate(Db db)
    {
        // 0.01 starts a second, compressed like the demo's time (scale 0.005): 2 a second, a burst of at most 2.
        await using var app = AppHost.Start(db, AppHost.OutcomesOnly("Talked"));
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(12), cap: 12, policy: """{"callStartsPerSecond": 0.01}""");
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(1));

        var starts = (await app.SimCallsAsync()).Select(c => c.GetProperty("createdAt").GetDateTimeOffset()).Order().ToList();
        Assert.Equal(12, starts.Count);
        const double rate = 2, burst = 2;
        for (var i = 0; i < starts.Count; i++)
            for (var j = i + 1; j < starts.Count; j++)
            {
                // A token bucket lets at most burst + rate × t calls start in any t seconds (one more for timer rounding).
                var seconds = (starts[j] - starts[i]).TotalSeconds;
                Assert.True(j - i + 1 <= burst + rate * seconds + 1, $"{j - i + 1} calls started within {seconds:0.000} s");
            }
        Assert.True((starts[^1] - starts[0]).TotalSeconds >= (12 - burst - 1) / rate, "twelve starts at two a second take about five seconds");
    }

    [Fact]
    public async Task FailureSpike_BreakerPausesWithTheReason()
    {
        await using var app = AppHost.Start(Db.Sqlite, AppHost.OutcomesOnly("ProviderFault", new Dictionary<string, string?> { ["Dialer:BreakerWindow"] = "4" }));
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(30), cap: 2);
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        var paused = await app.WaitForStatusAsync(id, "PAUSED", TimeSpan.FromMinutes(1));
        Assert.StartsWith("Paused by the failure breaker", paused.GetProperty("statusReason").GetString());
        await Task.Delay(TimeSpan.FromSeconds(2));
        var calls = (await app.SimCallsAsync()).Count;
        Assert.InRange(calls, 4, 8); // the window, plus what was live when it tripped
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(calls, (await app.SimCallsAsync()).Count); // paused means no new calls
    }

    [Fact]
    public async Task SpendCap_NoNewCallsOnceSpentPlusLiveReachesIt()
    {
        await using var app = AppHost.Start(Db.Sqlite, AppHost.OutcomesOnly("Talked"));
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(20), cap: 1, policy: """{"spendCap": 0.5}""");
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        var paused = await app.WaitForStatusAsync(id, "PAUSED", TimeSpan.FromMinutes(1));
        Assert.StartsWith("Spend cap reached", paused.GetProperty("statusReason").GetString());
        // Paused while the last call's report (its cost) may still be on its way: judge once every call is priced.
        var calls = await AppHost.WaitUntilAsync(async () => (await app.GetJsonAsync($"api/campaigns/{id}/calls")).EnumerateArray().ToList(),
            list => list.All(c => c.GetProperty("cost").ValueKind == JsonValueKind.Number), what: "every call priced");
        var costs = calls.Select(c => c.GetProperty("cost").GetDecimal()).ToList();
        Assert.InRange(costs.Count, 1, 19);
        // One call at a time, and a call's cost arrives with its report just after the next decision: when the last call
        // was placed, the calls before the one just ended were priced, that one was estimated at their average, and the
        // next one too. The rule: spent plus those estimates stayed within the cap.
        var known = costs.SkipLast(2).ToList();
        var average = known.Count > 0 ? known.Average() : 0.15m;
        Assert.True(known.Sum() + 2 * average <= 0.5m + 0.0001m, $"spent {costs.Sum()} over {costs.Count} calls: {string.Join(", ", costs)}");
    }

    [Fact]
    public async Task ConsentRequired_OnlyConsentedCalled_OthersSkippedWithTheReason()
    {
        await using var app = AppHost.Start(Db.Sqlite, AppHost.OutcomesOnly("Talked"));
        const string csv = "name,business_name,phone,consent\nYes,B,+14155550101,yes\nDate,B,+14155550102,2026-11-02 web form\nNo,B,+14155550103,no\nEmpty,B,+14155550104,\n";
        var id = await app.CreateCampaignAsync(csv, cap: 4, policy: """{"requireConsent": true}""");
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(1));
        Assert.Equal(["+14155550101", "+14155550102"], (await app.SimNumbersAsync()).Order());
        var contacts = await app.ContactsByNameAsync(id);
        foreach (var name in new[] { "No", "Empty" })
        {
            Assert.Equal("SKIPPED", contacts[name].GetProperty("state").GetString());
            Assert.Equal("no-consent", contacts[name].GetProperty("reason").GetString());
        }
    }

    [Fact]
    public async Task ScheduledStartAndEnd_StartsItselfThenStopsCallingAtTheEnd()
    {
        // Calls last seconds and only one runs at a time: the end comes long before the list does.
        await using var app = AppHost.Start(Db.Sqlite, AppHost.OutcomesOnly("Talked", new Dictionary<string, string?> { ["Simulator:TimeScale"] = "0.02" }));
        var startAt = DateTime.UtcNow.AddSeconds(3);
        var endAt = startAt.AddSeconds(6);
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(30), cap: 1,
            policy: JsonSerializer.Serialize(new { startAt = startAt.ToString("O"), endAt = endAt.ToString("O") }));
        Assert.Equal("CREATED", (await app.GetJsonAsync($"api/campaigns/{id}")).GetProperty("status").GetString());
        Assert.Empty(await app.SimCallsAsync());

        var done = await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(1));
        var starts = (await app.SimCallsAsync()).Select(c => c.GetProperty("createdAt").GetDateTimeOffset().UtcDateTime).Order().ToList();
        Assert.NotEmpty(starts);
        Assert.True(starts[0] >= startAt.AddMilliseconds(-50), $"first call {starts[0]:O}, start {startAt:O}");
        Assert.True(starts[^1] <= endAt.AddSeconds(1), $"last call {starts[^1]:O}, end {endAt:O}");
        var notReached = (await app.ContactsByNameAsync(id)).Values.Count(c => c.GetProperty("reason").GetString() == "campaign-ended");
        Assert.Equal(30 - starts.Count, notReached);
        Assert.Equal(30 - starts.Count, done.GetProperty("counters").GetProperty("skipped").GetInt32());
    }

    [Fact]
    public async Task PoolWithLocalPresence_EachContactCalledFromItsAreaCode()
    {
        await using var app = AppHost.Start(Db.Sqlite, AppHost.OutcomesOnly("Talked", new Dictionary<string, string?>
        {
            ["Simulator:PhoneNumbers:0"] = "+12125550000", ["Simulator:PhoneNumbers:1"] = "+13055550000", ["Simulator:PhoneNumbers:2"] = "+14155550000",
        }));
        var lines = (await app.GetJsonAsync("api/phone-lines")).EnumerateArray()
            .ToDictionary(l => l.GetProperty("number").GetString()!, l => (Id: l.GetProperty("id").GetInt64(), Provider: l.GetProperty("providerPhoneNumberId").GetString()!));
        Assert.True(lines.ContainsKey("+12125550000") && lines.ContainsKey("+13055550000"), string.Join(", ", lines.Keys));
        const string csv = "name,business_name,phone\nNY 1,B,+12125550101\nMiami 1,B,+13055550102\nNY 2,B,+12125550103\nMiami 2,B,+13055550104\nChicago,B,+13125550105\n";
        var pool = JsonSerializer.Serialize(new { phoneLineIds = new[] { lines["+12125550000"].Id, lines["+13055550000"].Id }, localPresence = true });
        var id = await app.CreateCampaignAsync(csv, cap: 5, policy: pool, phoneLineId: lines["+12125550000"].Id);
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(1));

        var from = (await app.SimCallsAsync()).ToDictionary(c => c.GetProperty("customerNumber").GetString()!, c => c.GetProperty("phoneNumberId").GetString());
        Assert.Equal(lines["+12125550000"].Provider, from["+12125550101"]);
        Assert.Equal(lines["+12125550000"].Provider, from["+12125550103"]);
        Assert.Equal(lines["+13055550000"].Provider, from["+13055550102"]);
        Assert.Equal(lines["+13055550000"].Provider, from["+13055550104"]);
        Assert.Contains(from["+13125550105"], new[] { lines["+12125550000"].Provider, lines["+13055550000"].Provider }); // in the pool, not the third line
    }

    [Fact]
    public async Task LineDailyCap_PoolMovesToTheOtherLineOnceReached()
    {
        await using var app = AppHost.Start(Db.Sqlite, AppHost.OutcomesOnly("Talked", new Dictionary<string, string?>
        {
            ["Simulator:PhoneNumbers:0"] = "+12125550000", ["Simulator:PhoneNumbers:1"] = "+13055550000",
        }));
        var lines = (await app.GetJsonAsync("api/phone-lines")).EnumerateArray()
            .ToDictionary(l => l.GetProperty("number").GetString()!, l => (Id: l.GetProperty("id").GetInt64(), Provider: l.GetProperty("providerPhoneNumberId").GetString()!));
        var capped = lines["+12125550000"];
        using (var patch = await app.Http.PatchAsJsonAsync($"api/phone-lines/{capped.Id}", new { dailyCap = 2 }))
            Assert.Equal(2, (await patch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dailyCap").GetInt32());
        using (var bad = await app.Http.PatchAsJsonAsync($"api/phone-lines/{capped.Id}", new { dailyCap = -1 }))
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);

        var pool = JsonSerializer.Serialize(new { phoneLineIds = new[] { lines["+13055550000"].Id } });
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(6), cap: 1, policy: pool, phoneLineId: capped.Id);
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(1));
        var byLine = (await app.SimCallsAsync()).GroupBy(c => c.GetProperty("phoneNumberId").GetString()!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(2, byLine[capped.Provider]);
        Assert.Equal(4, byLine[lines["+13055550000"].Provider]);
    }

    [Fact]
    public async Task ReservedInboundSlots_KeptFreeOnTheAccount()
    {
        await using var app = AppHost.Start(Db.Sqlite, AppHost.OutcomesOnly("Talked", new Dictionary<string, string?>
        {
            ["Dialer:AccountCap"] = "4", ["Dialer:ReservedInboundSlots"] = "1",
        }));
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(20), cap: 10);
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(1));
        Assert.Equal(3, (await app.SimStatsAsync()).GetProperty("maxConcurrentAccount").GetInt32());
    }

    [Fact]
    public async Task Policy_LineThatDoesNotExist_IsRefusedNamingTheField()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => app.CreateCampaignAsync(AppHost.SampleCsv(1), policy: """{"phoneLineIds": [987654]}"""));
        Assert.Contains("400", ex.Message);
        Assert.Contains("policy.phoneLineIds", ex.Message);
    }
}
