using System.Net;
using AutoLynx.Features.Calls;
using AutoLynx.Tests.Infrastructure;

namespace AutoLynx.Tests.Integration.Reporting;

/// <summary>GET /api/phone-lines/{id}/health over a scripted history on the demo line, with Vapi's own count from the simulator.</summary>
public sealed class PhoneLineHealthTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Health_LastFiveCallsFailed_FailingWithTheRuleRatesAndLastError(Db db)
    {
        await using var app = AppHost.Start(db);
        var line = await ResultsSeed.LineIdAsync(app);
        var id = await app.CreateCampaignAsync(ResultsSeed.Csv(50), name: "Line history");
        var contacts = await ResultsSeed.ContactsAsync(app, id);
        var today = DateTime.UtcNow.Date;
        var calls = new List<Call>();
        // Yesterday: 30 calls, every other one answered.
        for (var i = 0; i < 30; i++)
            calls.Add(i % 2 == 0
                ? ResultsSeed.Ended(id, contacts[i].Id, line, today.AddDays(-1).AddMinutes(i), CallOutcome.Talked, "customer-ended-call", 60, 0.1m)
                : ResultsSeed.Ended(id, contacts[i].Id, line, today.AddDays(-1).AddMinutes(i), CallOutcome.NoAnswer, "customer-did-not-answer"));
        // Today: 7 answered (two of them hung up within 3 s), then 5 failures in a row, the last with Vapi's reason.
        for (var i = 0; i < 7; i++)
            calls.Add(ResultsSeed.Ended(id, contacts[30 + i].Id, line, today.AddSeconds(i), CallOutcome.Talked, "customer-ended-call", i < 2 ? 3 : 50, 0.1m));
        for (var i = 0; i < 5; i++)
            calls.Add(ResultsSeed.Ended(id, contacts[37 + i].Id, line, today.AddSeconds(10 + i), CallOutcome.ProviderFault,
                "call.in-progress.error-providerfault-outbound-sip-503-service-unavailable"));
        var live = ResultsSeed.Ended(id, contacts[45].Id, line, today.AddSeconds(30), CallOutcome.Talked, null);
        (live.Status, live.Outcome, live.EndedAt) = (CallStatus.InProgress, null, null);
        calls.Add(live);
        await ResultsSeed.AddCallsAsync(app, calls);

        var h = await app.GetJsonAsync($"api/phone-lines/{line}/health");
        Assert.Equal("failing", h.GetProperty("status").GetString());
        Assert.Equal("The last 5 calls all failed.", h.GetProperty("rule").GetString());
        Assert.Equal(1, h.GetProperty("activeCalls").GetInt32());
        Assert.Equal(0, h.GetProperty("providerActiveCalls").GetInt32());   // the simulator has no live call on the line
        Assert.Equal(13, h.GetProperty("callsToday").GetInt32());
        Assert.Equal(today, h.GetProperty("todayStartsAt").GetDateTime().ToUniversalTime());
        Assert.Equal(42, h.GetProperty("windowCalls").GetInt32());
        Assert.Equal(Math.Round(22.0 / 42, 4), h.GetProperty("answerRate").GetDouble());   // 7 today + 15 yesterday
        Assert.Equal(Math.Round(5.0 / 42, 4), h.GetProperty("failureRate").GetDouble());
        Assert.Equal(Math.Round(2.0 / 22, 4), h.GetProperty("shortCallRate").GetDouble());
        var error = h.GetProperty("lastError");
        Assert.Equal("provider-fault", error.GetProperty("outcome").GetString());
        Assert.Equal("call.in-progress.error-providerfault-outbound-sip-503-service-unavailable", error.GetProperty("endedReason").GetString());
        Assert.Equal(today.AddSeconds(14 + 5), error.GetProperty("at").GetDateTime().ToUniversalTime());
        Assert.False(h.GetProperty("possibleSpamLabel").GetBoolean());

        // The campaign's status names the failing line.
        var campaign = await app.GetJsonAsync($"api/campaigns/{id}");
        var named = campaign.GetProperty("lineHealth");
        Assert.Equal(line, named.GetProperty("phoneLineId").GetInt64());
        Assert.Equal("failing", named.GetProperty("status").GetString());
        Assert.Equal("The last 5 calls all failed.", named.GetProperty("rule").GetString());
        var name = h.GetProperty("name").GetString();
        Assert.StartsWith($"Phone line {name} ({h.GetProperty("number").GetString()}) is failing: The last 5 calls all failed.",
            named.GetProperty("message").GetString());

        using var missing = await app.Http.GetAsync("api/phone-lines/987654/health");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task CampaignSummary_LineWithoutFailures_HealthyAndNoMessage(Db db)
    {
        await using var app = AppHost.Start(db);
        var line = await ResultsSeed.LineIdAsync(app);
        var id = await app.CreateCampaignAsync(ResultsSeed.Csv(12), name: "Healthy line");
        var contacts = await ResultsSeed.ContactsAsync(app, id);
        var start = DateTime.UtcNow.AddHours(-1);
        await ResultsSeed.AddCallsAsync(app, contacts.Select((c, i) =>
            ResultsSeed.Ended(id, c.Id, line, start.AddMinutes(i), i % 3 == 0 ? CallOutcome.NoAnswer : CallOutcome.Talked, "customer-ended-call", 45, 0.1m)));

        var named = (await app.GetJsonAsync($"api/campaigns/{id}")).GetProperty("lineHealth");
        Assert.Equal("healthy", named.GetProperty("status").GetString());
        Assert.Equal("0 of the last 12 calls failed; the answer rate holds.", named.GetProperty("rule").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, named.GetProperty("message").ValueKind);
    }
}
