using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AutoLynx.Features.Assistants;
using AutoLynx.Features.Calls;
using AutoLynx.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Tests.Integration.Reporting;

/// <summary>
/// GET /api/analytics/overview and /campaigns/{id} against a hand-computed fixture: thirteen calls of two assistants'
/// campaigns on 15–16 July 2026 (US summer time: New York UTC−4, Chicago UTC−5, Los Angeles UTC−7), written into the
/// database as the engine leaves them. Every expected figure below was worked out by hand from the table in
/// <see cref="SeedAsync"/>.
/// </summary>
public sealed class AnalyticsTests
{
    private static readonly DateTime Day = new(2026, 7, 15, 0, 0, 0, DateTimeKind.Utc);
    private const string Range = "from=2026-07-15T00:00:00Z&to=2026-07-17T00:00:00Z";

    private sealed record Fixture(AppHost App, long C1, long C2, long Empty, long A1, long A2, long Line, Dictionary<int, long> CallIds);

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Overview_HandComputedFixture_EveryMeasureMatches(Db db)
    {
        await using var app = AppHost.Start(db);
        var f = await SeedAsync(app);
        var r = await app.GetJsonAsync($"api/analytics/overview?{Range}");

        Assert.Equal(13, r.GetProperty("calls").GetInt64());
        Assert.Equal(11, r.GetProperty("dialed").GetInt64());
        Assert.Equal(1, r.GetProperty("live").GetInt64());
        Assert.Equal(5, r.GetProperty("connected").GetInt64());
        Assert.Equal(0.5, r.GetProperty("connectRate").GetDouble());
        Assert.Equal(4, r.GetProperty("evaluated").GetInt64());
        Assert.Equal(0.75, r.GetProperty("successRate").GetDouble());
        Assert.Equal(90, r.GetProperty("durationP50").GetDouble());
        Assert.Equal(200, r.GetProperty("durationP90").GetDouble());
        Assert.Equal(2.39m, r.GetProperty("totalCost").GetDecimal());
        Assert.Equal(0.2173m, r.GetProperty("costPerCall").GetDecimal());
        Assert.Equal(0.478m, r.GetProperty("costPerConnected").GetDecimal());
        Assert.True(r.GetProperty("upToDate").GetBoolean());

        Assert.Equal(new Dictionary<string, long>
        {
            ["talked"] = 4, ["busy"] = 2, ["forwarded"] = 1, ["no-answer"] = 1, ["voicemail"] = 1, ["failed-to-connect"] = 1,
            ["concurrency-limited"] = 1, ["not-placed"] = 1,
        }, Counts(r.GetProperty("byOutcome")));
        Assert.Equal(new Dictionary<string, long>
        {
            ["customer-ended-call"] = 3, ["customer-busy"] = 2, ["assistant-ended-call"] = 1, ["customer-did-not-answer"] = 1,
            ["voicemail"] = 1, ["assistant-forwarded-call"] = 1, ["twilio-failed-to-connect-call"] = 1,
        }, Counts(r.GetProperty("byEndedReason")));

        Assert.Equal(["2026-07-15T14:00:00Z 5/3", "2026-07-15T15:00:00Z 4/2", "2026-07-16T09:00:00Z 2/0"], Points(r.GetProperty("perHour")));
        Assert.Equal(["2026-07-15T00:00:00Z 9/5", "2026-07-16T00:00:00Z 2/0"], Points(r.GetProperty("perDay")));

        var local = r.GetProperty("answerRateByLocalHour").EnumerateArray().ToList();
        Assert.Equal(24, local.Count);
        var nonZero = local.Where(p => p.GetProperty("dialed").GetInt64() > 0)
            .Select(p => $"{p.GetProperty("hour").GetInt32()}: {p.GetProperty("connected").GetInt64()}/{p.GetProperty("dialed").GetInt64()}").ToList();
        Assert.Equal(["5: 0/1", "7: 0/1", "8: 0/1", "9: 1/2", "10: 3/3", "11: 0/1"], nonZero);
        Assert.Equal(0.5, local[9].GetProperty("answerRate").GetDouble());
        Assert.Equal(JsonValueKind.Null, local[3].GetProperty("answerRate").ValueKind);
        Assert.Equal(1, r.GetProperty("unknownTimeZone").GetInt64());

        var byAssistant = r.GetProperty("byAssistant").EnumerateArray().ToList();
        Assert.Equal([f.A1, f.A2], byAssistant.Select(a => a.GetProperty("assistantId").GetInt64()));
        Assert.Equal("Script B", byAssistant[1].GetProperty("name").GetString());
        AssertMeasures(byAssistant[0], calls: 11, dialed: 9, connected: 4, connectRate: 0.5, successRate: 0.6667, p50: 60, p90: 120,
            total: 1.58m, perCall: 0.1756m, perConnected: 0.395m);
        AssertMeasures(byAssistant[1], calls: 2, dialed: 2, connected: 1, connectRate: 0.5, successRate: 1, p50: 200, p90: 200,
            total: 0.81m, perCall: 0.405m, perConnected: 0.81m);

        // Filters: one assistant, one campaign, a line with no calls.
        var b = await app.GetJsonAsync($"api/analytics/overview?{Range}&assistantId={f.A2}");
        AssertMeasures(b, calls: 2, dialed: 2, connected: 1, connectRate: 0.5, successRate: 1, p50: 200, p90: 200, total: 0.81m, perCall: 0.405m, perConnected: 0.81m);
        var c1 = await app.GetJsonAsync($"api/analytics/overview?{Range}&campaignId={f.C1}&phoneLineId={f.Line}");
        Assert.Equal(9, c1.GetProperty("dialed").GetInt64());
        var noLine = await app.GetJsonAsync($"api/analytics/overview?{Range}&phoneLineId=987654");
        Assert.Equal(0, noLine.GetProperty("calls").GetInt64());

        // The campaign endpoint: all of its calls by default.
        var campaign = await app.GetJsonAsync($"api/analytics/campaigns/{f.C1}");
        AssertMeasures(campaign, calls: 11, dialed: 9, connected: 4, connectRate: 0.5, successRate: 0.6667, p50: 60, p90: 120,
            total: 1.58m, perCall: 0.1756m, perConnected: 0.395m);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Overview_RangeEdgesInsideHours_CountExactlyTheCallsInRange(Db db)
    {
        await using var app = AppHost.Start(db);
        await SeedAsync(app);
        // 14:25–16:30: calls 3, 12, 13 from the first part-hour, 4–8 from the whole 15:00 hour, 9 from the last part-hour.
        var r = await app.GetJsonAsync("api/analytics/overview?from=2026-07-15T14:25:00Z&to=2026-07-15T16:30:00Z");
        Assert.Equal(9, r.GetProperty("calls").GetInt64());
        Assert.Equal(7, r.GetProperty("dialed").GetInt64());
        Assert.Equal(3, r.GetProperty("connected").GetInt64());
        Assert.Equal(1.58m, r.GetProperty("totalCost").GetDecimal());
        Assert.Equal(["2026-07-15T14:00:00Z 3/1", "2026-07-15T15:00:00Z 4/2"], Points(r.GetProperty("perHour")));
        // Inside one hour: 15:06–15:12 holds only call 5.
        var inside = await app.GetJsonAsync("api/analytics/overview?from=2026-07-15T15:06:00Z&to=2026-07-15T15:12:00Z");
        Assert.Equal(1, inside.GetProperty("dialed").GetInt64());
        Assert.Equal("forwarded", Counts(inside.GetProperty("byOutcome")).Single().Key);
    }

    [Fact]
    public async Task Overview_EmptyRangeAndCampaignWithoutCalls_ZerosAndNoRates()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        var f = await SeedAsync(app);
        foreach (var r in new[]
                 {
                     await app.GetJsonAsync("api/analytics/overview?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z"),
                     await app.GetJsonAsync($"api/analytics/campaigns/{f.Empty}"),
                 })
        {
            foreach (var n in new[] { "calls", "dialed", "live", "connected", "evaluated" }) Assert.Equal(0, r.GetProperty(n).GetInt64());
            foreach (var n in new[] { "connectRate", "successRate", "durationP50", "durationP90", "costPerCall", "costPerConnected" })
                Assert.Equal(JsonValueKind.Null, r.GetProperty(n).ValueKind);
            Assert.Equal(0m, r.GetProperty("totalCost").GetDecimal());
            Assert.Empty(r.GetProperty("byOutcome").EnumerateObject());
            Assert.Empty(r.GetProperty("perHour").EnumerateArray());
            Assert.Empty(r.GetProperty("byAssistant").EnumerateArray());
            Assert.All(r.GetProperty("answerRateByLocalHour").EnumerateArray(), p => Assert.Equal(0, p.GetProperty("dialed").GetInt64()));
        }
        using var bad = await app.Http.GetAsync("api/analytics/overview?from=2026-07-02T00:00:00Z&to=2026-07-01T00:00:00Z");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        using var notFound = await app.Http.GetAsync("api/analytics/campaigns/987654");
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
    }

    [Fact]
    public async Task Overview_CallChangesAfterTheRollup_ShowInTheNextAnswer()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        var f = await SeedAsync(app);
        var before = await app.GetJsonAsync($"api/analytics/overview?{Range}");
        Assert.Equal(5, before.GetProperty("connected").GetInt64());
        // Call 3 (no answer) turns out to have been answered; the live call 11 ends as voicemail; contact k4's zone becomes New York.
        await app.WithDbAsync(d => d.Calls.Where(c => c.Id == f.CallIds[3]).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.Outcome, CallOutcome.Talked).SetProperty(c => c.EndedReason, "customer-ended-call").SetProperty(c => c.DurationSeconds, 10.0)));
        await app.WithDbAsync(d => d.Calls.Where(c => c.Id == f.CallIds[11]).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.Status, CallStatus.Ended).SetProperty(c => c.Outcome, CallOutcome.Voicemail).SetProperty(c => c.EndedReason, "voicemail")));
        var k4 = await app.WithDbAsync(d => d.Calls.Where(c => c.Id == f.CallIds[7]).Select(c => c.ContactId).FirstAsync());
        await app.WithDbAsync(d => d.Contacts.Where(c => c.Id == k4).ExecuteUpdateAsync(s => s.SetProperty(c => c.TimeZone, "America/New_York")));

        var after = await app.GetJsonAsync($"api/analytics/overview?{Range}");
        Assert.Equal(6, after.GetProperty("connected").GetInt64());
        Assert.Equal(0, after.GetProperty("live").GetInt64());
        Assert.Equal(0.5455, after.GetProperty("connectRate").GetDouble()); // 6 of 11
        Assert.Equal(0, after.GetProperty("unknownTimeZone").GetInt64());
        // Call 7 (15:20Z) is now 11:20 in New York; call 11 (09:30Z) is 04:30 in Chicago.
        var local = after.GetProperty("answerRateByLocalHour");
        Assert.Equal(2, local[11].GetProperty("dialed").GetInt64());
        Assert.Equal(1, local[4].GetProperty("dialed").GetInt64());
        Assert.Equal(1, local[7].GetProperty("connected").GetInt64());
    }

    [Fact]
    public async Task Overview_Operator_SeesOnlyOwnCampaigns()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        var f = await SeedAsync(app);
        var op = await app.SignUpAsync("analyst@example.com");
        var own = await app.CreateCampaignAsync("name,business_name,phone\nOwn,Biz,+12125550199\n", name: "Operator's", @as: op.Api);
        var contact = (await ResultsSeed.ContactsAsync(app, own))[0].Id;
        await ResultsSeed.AddCallsAsync(app, [ResultsSeed.Ended(own, contact, f.Line, Day.AddHours(14), CallOutcome.Talked, "customer-ended-call", 33, 0.2m)]);

        var mine = await op.Api.GetFromJsonAsync<JsonElement>($"api/analytics/overview?{Range}");
        Assert.Equal(1, mine.GetProperty("calls").GetInt64());
        Assert.Equal(33, mine.GetProperty("durationP50").GetDouble());
        var theirs = await op.Api.GetFromJsonAsync<JsonElement>($"api/analytics/overview?{Range}&campaignId={f.C1}");
        Assert.Equal(0, theirs.GetProperty("calls").GetInt64());
        using var other = await op.Api.GetAsync($"api/analytics/campaigns/{f.C1}");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        var admin = await app.GetJsonAsync($"api/analytics/overview?{Range}");
        Assert.Equal(14, admin.GetProperty("calls").GetInt64());
    }

    /// <summary>
    /// | # | contact (zone) | created (UTC) | outcome | reason | s | cost | success |
    /// | 1 | k1 (New York) | 15 Jul 14:10 | talked | customer-ended-call | 60 | 0.30 | true |
    /// | 2 | k2 (Chicago) | 14:20 | talked | assistant-ended-call | 120 | 0.50 | false |
    /// | 3 | k3 (Los Angeles) | 14:30 | no answer | customer-did-not-answer | | 0.02 | |
    /// | 4 | k1 | 15:05 | voicemail | voicemail | 30 | 0.10 | |
    /// | 5 | k2 | 15:10 | forwarded | assistant-forwarded-call | 90 | 0.40 | 8 |
    /// | 6 | k3 | 15:15 | failed to connect | twilio-failed-to-connect-call | | | |
    /// | 7 | k4 (unknown) | 15:20 | talked | customer-ended-call | 45 | 0.25 | |
    /// | 8 | k4 | 15:25 | concurrency-limited (Vapi id, not dialed) | call.start.error-subscription-concurrency-limit-reached | | | |
    /// | 9 | k3 | 16:00 | not placed (no Vapi id) | | | | |
    /// | 10 | k1 | 16 Jul 09:00 | busy | customer-busy | | 0.01 | |
    /// | 11 | k2 | 16 Jul 09:30 | live (in progress) | | | | |
    /// | 12 | m1 (New York), campaign 2 | 15 Jul 14:40 | talked | customer-ended-call | 200 | 0.80 | true |
    /// | 13 | m2 (Chicago), campaign 2 | 14:50 | busy | customer-busy | | 0.01 | |
    /// Campaign 1 uses assistant 1, campaign 2 assistant 2 ("Script B"); a third campaign has no calls.
    /// </summary>
    private static async Task<Fixture> SeedAsync(AppHost app)
    {
        var a1 = (await app.GetJsonAsync("api/assistants"))[0].GetProperty("id").GetInt64();
        var a2 = await app.WithDbAsync(async d =>
        {
            var a = new Assistant { ProviderAssistantId = "asst-script-b-" + Guid.NewGuid().ToString("N"), Name = "Script B", CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
            d.Assistants.Add(a);
            await d.SaveChangesAsync();
            return a.Id;
        });
        var line = await ResultsSeed.LineIdAsync(app);
        var c1 = await app.CreateCampaignAsync("name,business_name,phone\nK1,B,+12125550001\nK2,B,+13125550002\nK3,B,+14155550003\nK4,B,+14155550004\n", name: "One");
        var c2 = await CreateWithAssistantAsync(app, a2, line, "name,business_name,phone\nM1,B,+12125550101\nM2,B,+13125550102\n");
        var empty = await app.CreateCampaignAsync("name,business_name,phone\nE1,B,+12125550201\n", name: "No calls");

        var k = await ResultsSeed.ContactsAsync(app, c1);
        var m = await ResultsSeed.ContactsAsync(app, c2);
        var zones = await app.WithDbAsync(d => d.Contacts.Where(c => c.CampaignId == c1 || c.CampaignId == c2).OrderBy(c => c.Id).Select(c => c.TimeZone).ToListAsync());
        Assert.Equal(["America/New_York", "America/Chicago", "America/Los_Angeles", "America/Los_Angeles", "America/New_York", "America/Chicago"], zones);
        await app.WithDbAsync(d => d.Contacts.Where(c => c.Id == k[3].Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.TimeZone, (string?)null)));

        Call E(long campaign, long contact, int hour, int minute, CallOutcome o, string? reason, double? s = null, decimal? cost = null, string? success = null, int day = 0)
            => ResultsSeed.Ended(campaign, contact, line, Day.AddDays(day).AddHours(hour).AddMinutes(minute), o, reason, s, cost, success);
        var calls = new Dictionary<int, Call>
        {
            [1] = E(c1, k[0].Id, 14, 10, CallOutcome.Talked, "customer-ended-call", 60, 0.30m, "true"),
            [2] = E(c1, k[1].Id, 14, 20, CallOutcome.Talked, "assistant-ended-call", 120, 0.50m, "false"),
            [3] = E(c1, k[2].Id, 14, 30, CallOutcome.NoAnswer, "customer-did-not-answer", cost: 0.02m),
            [4] = E(c1, k[0].Id, 15, 5, CallOutcome.Voicemail, "voicemail", 30, 0.10m),
            [5] = E(c1, k[1].Id, 15, 10, CallOutcome.Forwarded, "assistant-forwarded-call", 90, 0.40m, "8"),
            [6] = E(c1, k[2].Id, 15, 15, CallOutcome.FailedToConnect, "twilio-failed-to-connect-call"),
            [7] = E(c1, k[3].Id, 15, 20, CallOutcome.Talked, "customer-ended-call", 45, 0.25m),
            [8] = E(c1, k[3].Id, 15, 25, CallOutcome.ConcurrencyLimited, "call.start.error-subscription-concurrency-limit-reached"),
            [9] = E(c1, k[2].Id, 16, 0, CallOutcome.NotPlaced, null),
            [10] = E(c1, k[0].Id, 9, 0, CallOutcome.Busy, "customer-busy", cost: 0.01m, day: 1),
            [11] = E(c1, k[1].Id, 9, 30, CallOutcome.Talked, null, day: 1),
            [12] = E(c2, m[0].Id, 14, 40, CallOutcome.Talked, "customer-ended-call", 200, 0.80m, "true"),
            [13] = E(c2, m[1].Id, 14, 50, CallOutcome.Busy, "customer-busy", cost: 0.01m),
        };
        // Call 11 is still in progress.
        calls[11].Status = CallStatus.InProgress;
        calls[11].Outcome = null;
        calls[11].EndedAt = null;
        calls[11].DurationSeconds = null;
        await ResultsSeed.AddCallsAsync(app, calls.OrderBy(x => x.Key).Select(x => x.Value));
        return new Fixture(app, c1, c2, empty, a1, a2, line, calls.ToDictionary(x => x.Key, x => x.Value.Id));
    }

    private static async Task<long> CreateWithAssistantAsync(AppHost app, long assistantId, long lineId, string csv)
    {
        using var form = AppHost.Multipart(csv, ("name", "Two"), ("assistantId", assistantId.ToString()), ("phoneLineId", lineId.ToString()), ("cap", "2"));
        using var resp = await app.Http.PostAsync("api/campaigns", form);
        var body = await resp.Content.ReadAsStringAsync();
        Assert.True(resp.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("campaignId").GetInt64();
    }

    private static void AssertMeasures(JsonElement m, long calls, long dialed, long connected, double connectRate, double successRate, double p50, double p90,
        decimal total, decimal perCall, decimal perConnected)
    {
        Assert.Equal(calls, m.GetProperty("calls").GetInt64());
        Assert.Equal(dialed, m.GetProperty("dialed").GetInt64());
        Assert.Equal(connected, m.GetProperty("connected").GetInt64());
        Assert.Equal(connectRate, m.GetProperty("connectRate").GetDouble());
        Assert.Equal(successRate, m.GetProperty("successRate").GetDouble());
        Assert.Equal(p50, m.GetProperty("durationP50").GetDouble());
        Assert.Equal(p90, m.GetProperty("durationP90").GetDouble());
        Assert.Equal(total, m.GetProperty("totalCost").GetDecimal());
        Assert.Equal(perCall, m.GetProperty("costPerCall").GetDecimal());
        Assert.Equal(perConnected, m.GetProperty("costPerConnected").GetDecimal());
    }

    private static Dictionary<string, long> Counts(JsonElement o) => o.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());

    private static List<string> Points(JsonElement a) => a.EnumerateArray()
        .Select(p => $"{p.GetProperty("at").GetDateTime().ToUniversalTime():yyyy-MM-dd'T'HH:mm:ss'Z'} {p.GetProperty("dialed").GetInt64()}/{p.GetProperty("connected").GetInt64()}").ToList();
}
