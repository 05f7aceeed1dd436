using System.Net.Http.Json;
using System.Text.Json;
using AutoLynx.Tests.Infrastructure;

namespace AutoLynx.Tests.Integration.Compliance;

/// <summary>
/// Issue 13, calling hours: a campaign's window is held in each contact's own time zone (from the number, a
/// <c>time_zone</c> column, the stricter wins); contacts outside it wait and the campaign says why and until when.
/// The app's clock is moved (the simulator's is not), so a Monday morning around the world takes seconds.
/// </summary>
public sealed class CallingWindowTests
{
    private const string Weekdays9To8 = """{"callingWindow": {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "20:00"}}""";

    private static DateTimeOffset Utc(string s) => DateTimeOffset.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task MondayAroundTheWorld_EachContactCalledWhenItsOwnNineComes(Db db)
    {
        // Monday 7 December 2026, 13:55 UTC: 08:55 in New York, 05:55 in Los Angeles, 13:55 in London, 22:55 in Tokyo.
        var clock = new MovableClock(Utc("2026-12-07T13:55:00Z"));
        await using var app = AppHost.Start(db, services: clock.Install);
        const string csv = "name,business_name,phone\nNew York,B,+12125550101\nLos Angeles,B,+12135550102\nLondon,B,+442071234567\nTokyo,B,+81312345678\n";
        var id = await app.CreateCampaignAsync(csv, cap: 4, policy: Weekdays9To8);
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);

        // Only London is inside its hours.
        await WaitForCallsAsync(app, ["+442071234567"]);
        var waiting = await AppHost.WaitUntilAsync(() => app.GetJsonAsync($"api/campaigns/{id}"),
            c => c.TryGetProperty("waiting", out var w) && w.ValueKind == JsonValueKind.Object, what: "the campaign says why it waits");
        var w = waiting.GetProperty("waiting");
        Assert.Equal("outside-calling-hours", w.GetProperty("reason").GetString());
        Assert.Equal(Utc("2026-12-07T14:00:00Z"), w.GetProperty("until").GetDateTimeOffset()); // New York opens first
        Assert.Contains("Waiting for calling hours: opens 09:00 America/New_York", w.GetProperty("message").GetString());
        var contacts = await app.ContactsByNameAsync(id);
        Assert.Equal(Utc("2026-12-07T17:00:00Z"), contacts["Los Angeles"].GetProperty("nextAttemptAt").GetDateTimeOffset());
        Assert.Equal(Utc("2026-12-08T00:00:00Z"), contacts["Tokyo"].GetProperty("nextAttemptAt").GetDateTimeOffset()); // Tuesday 09:00 JST
        Assert.Equal("outside-calling-hours", contacts["Tokyo"].GetProperty("reason").GetString());

        clock.MoveTo(Utc("2026-12-07T14:00:05Z"));
        await WaitForCallsAsync(app, ["+442071234567", "+12125550101"]);
        clock.MoveTo(Utc("2026-12-07T17:00:05Z"));
        await WaitForCallsAsync(app, ["+442071234567", "+12125550101", "+12135550102"]);
        clock.MoveTo(Utc("2026-12-08T00:00:05Z"));
        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(1));
        await app.AssertEachNumberRangOnceAsync(4);
        Assert.Equal("+81312345678", (await app.SimNumbersAsync())[^1]);
    }

    [Fact]
    public async Task Preflight_BeforeStart_CountsWhatWouldHappen()
    {
        var clock = new MovableClock(Utc("2026-12-07T13:55:00Z"));
        await using var app = AppHost.Start(Db.Sqlite, services: clock.Install);
        const string csv = "name,business_name,phone\nNew York,B,+12125550101\nLos Angeles,B,+12135550102\nLondon,B,+442071234567\nTokyo,B,+81312345678\nListed,B,+12125550199\n";
        var id = await app.CreateCampaignAsync(csv, cap: 2, policy: Weekdays9To8);
        await app.Http.PostAsJsonAsync("api/dnc", new { number = "+12125550199" }); // after the import: still a contact, never called

        clock.MoveTo(Utc("2026-12-07T13:55:00Z")); // the app's start-up took real time: back to 13:55 for "in 5 min"
        var p = await app.GetJsonAsync($"api/campaigns/{id}/preflight");
        Assert.Equal(5, p.GetProperty("pending").GetInt32());
        Assert.Equal(1, p.GetProperty("callableNow").GetInt32());
        Assert.Equal(3, p.GetProperty("waitingForHours").GetInt32());
        Assert.Equal(1, p.GetProperty("onDoNotCallList").GetInt32());
        Assert.Equal(Utc("2026-12-07T14:00:00Z"), p.GetProperty("firstOpensAt").GetDateTimeOffset());
        Assert.Contains("opens 09:00 America/New_York, in 5 min", p.GetProperty("firstOpensMessage").GetString());
        Assert.False(p.GetProperty("secondsPerCallFromHistory").GetBoolean());
        // Four calls at two at a time, 60 s each (compressed by the demo's time scale, 0.005): two rounds from now.
        var perCall = p.GetProperty("secondsPerCall").GetDouble();
        Assert.Equal(0.3, perCall, 3);
        Assert.Equal(Utc("2026-12-07T13:55:00Z").AddSeconds(2 * perCall), p.GetProperty("estimatedFinishAt").GetDateTimeOffset(), TimeSpan.FromSeconds(5));
        Assert.StartsWith("Mon–Fri 09:00–20:00 in each contact's time zone", p.GetProperty("callingHours").GetString());

        using var missing = await app.Http.GetAsync("api/campaigns/987654/preflight");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task TimeZoneColumn_StricterThanTheNumber_ContactWaitsForBoth()
    {
        // A New York number whose row says the person lives in Los Angeles: at 09:30 New York it is 06:30 there.
        var clock = new MovableClock(Utc("2026-12-07T14:30:00Z"));
        await using var app = AppHost.Start(Db.Sqlite, services: clock.Install);
        const string csv = "name,business_name,phone,time_zone\nMoved west,B,+12125550101,America/Los_Angeles\nStayed,B,+12125550102,\n";
        var id = await app.CreateCampaignAsync(csv, cap: 2, policy: Weekdays9To8);
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);

        await WaitForCallsAsync(app, ["+12125550102"]);
        var moved = (await AppHost.WaitUntilAsync(() => app.ContactsByNameAsync(id),
            c => c["Moved west"].GetProperty("reason").GetString() == "outside-calling-hours"))["Moved west"];
        Assert.Equal(Utc("2026-12-07T17:00:00Z"), moved.GetProperty("nextAttemptAt").GetDateTimeOffset());
        clock.MoveTo(Utc("2026-12-07T17:00:05Z"));
        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(1));
        await app.AssertEachNumberRangOnceAsync(2);
    }

    [Fact]
    public async Task LegalHours_HeldEvenWithAnyTimeWindow_StricterStateWins()
    {
        // Saturday 22:30 in New York with "any time" asked for: the law (8–21 local, applied to every number as the
        // conservative default) still holds, and a Florida number waits longer (8–20); Tokyo (12:30) is called.
        var clock = new MovableClock(Utc("2026-12-06T03:30:00Z"));
        await using var app = AppHost.Start(Db.Sqlite, new Dictionary<string, string?> { ["Compliance:EnforceLegalHours"] = "true" }, clock.Install);
        const string csv = "name,business_name,phone\nNew York,B,+12125550101\nMiami,B,+13055550102\nTokyo,B,+81312345678\n";
        var id = await app.CreateCampaignAsync(csv, cap: 3, policy: """{"callingWindow": null}""");
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);

        await WaitForCallsAsync(app, ["+81312345678"]);
        var contacts = await AppHost.WaitUntilAsync(() => app.ContactsByNameAsync(id),
            c => c["Miami"].GetProperty("reason").GetString() == "outside-calling-hours" && c["New York"].GetProperty("reason").GetString() == "outside-calling-hours");
        Assert.Equal(Utc("2026-12-06T13:00:00Z"), contacts["New York"].GetProperty("nextAttemptAt").GetDateTimeOffset()); // 08:00 EST
        Assert.Equal(Utc("2026-12-06T13:00:00Z"), contacts["Miami"].GetProperty("nextAttemptAt").GetDateTimeOffset());

        // 20:30 in Miami and New York the next day: New York (federal 21:00) is called, Miami (Florida 20:00) is not.
        clock.MoveTo(Utc("2026-12-07T01:30:00Z"));
        await WaitForCallsAsync(app, ["+81312345678", "+12125550101"]);
        var miami = (await app.ContactsByNameAsync(id))["Miami"];
        Assert.Equal("PENDING", miami.GetProperty("state").GetString());
        Assert.Equal(Utc("2026-12-07T13:00:00Z"), miami.GetProperty("nextAttemptAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task WindowOutsideLegalHours_ContactSkippedWithTheReason()
    {
        await using var app = AppHost.Start(Db.Sqlite, new Dictionary<string, string?> { ["Compliance:EnforceLegalHours"] = "true" });
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(1), cap: 1,
            policy: """{"callingWindow": {"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "from": "05:00", "to": "07:30"}}""");
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(1));
        var contact = (await app.ContactsByNameAsync(id))["Person 0"];
        Assert.Equal("SKIPPED", contact.GetProperty("state").GetString());
        Assert.Equal("never-in-calling-hours", contact.GetProperty("reason").GetString());
        Assert.Empty(await app.SimCallsAsync());
    }

    /// <summary>Waits until the simulator has been asked to call exactly these numbers, in this order, and no more.</summary>
    private static async Task WaitForCallsAsync(AppHost app, string[] numbers)
    {
        await AppHost.WaitUntilAsync(() => app.SimNumbersAsync(), n => n.Count >= numbers.Length, what: $"{numbers.Length} calls");
        await Task.Delay(TimeSpan.FromSeconds(2)); // a pass or two more: nobody else is called
        Assert.Equal(numbers, await app.SimNumbersAsync());
    }
}
