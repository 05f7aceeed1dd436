using System.Net;
using System.Text.Json.Nodes;
using AutoLynx.VapiSimulator;

namespace AutoLynx.Vapi.Tests.Simulator;

/// <summary>Outcomes beyond talk/no-answer: forwarding, provider and Vapi faults, and scheduled calls.</summary>
public sealed class SimulatorOutcomeTests
{
    [Fact]
    public void OutcomeMix_Defaults_IncludeForwardingAProviderFaultAndAVapiFault()
    {
        var mix = new OutcomeMix();

        Assert.True(mix.Forwarded > 0);
        Assert.True(mix.ProviderFault > 0);
        Assert.True(mix.VapiFault > 0);
        Assert.Equal(100, mix.Talked + mix.NoAnswer + mix.Busy + mix.Voicemail + mix.FailedToConnect + mix.Forwarded + mix.ProviderFault + mix.VapiFault);
    }

    [Fact]
    public async Task CreateCall_Forwarded_GoesThroughForwardingWithDestinationThenAssistantForwardedCall()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => o.Outcomes = OutcomeMix.Only(m => m.Forwarded = 1));
        var id = (await ctx.CreateCallAsync(ctx.CallBody(await ctx.CreateAssistantAsync(), "+14155550123")))["id"]!.GetValue<string>();

        await ctx.Receiver.WaitForReportAsync(id);
        var hooks = ctx.Receiver.ForCall(id);
        var fetched = await ctx.GetJsonAsync($"/call/{id}");

        Assert.Equal(["queued", "ringing", "in-progress", "forwarding", "ended", null], hooks.Select(h => h.Status));
        var forwarding = hooks[3].Message;
        Assert.Equal("forwarding", forwarding["call"]!["status"]!.GetValue<string>());
        Assert.Equal(SimulatorDefaults.ForwardingNumber, forwarding["destination"]!["number"]!.GetValue<string>());
        Assert.Null(forwarding["endedReason"]);
        var report = hooks[^1].Message;
        Assert.Equal("assistant-forwarded-call", report["endedReason"]!.GetValue<string>());
        Assert.NotNull(report["destination"]);
        Assert.Contains("transferred", report["analysis"]!["summary"]!.GetValue<string>());
        Assert.Equal("assistant-forwarded-call", fetched["endedReason"]!.GetValue<string>());
        Assert.NotNull(fetched["startedAt"]);
    }

    [Fact]
    public async Task CreateCall_ProviderFault_RingsThenEndsWithProviderfaultReasonUnbilled()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => o.Outcomes = OutcomeMix.Only(m => m.ProviderFault = 1));
        var id = (await ctx.CreateCallAsync(ctx.CallBody(await ctx.CreateAssistantAsync(), "+14155550123")))["id"]!.GetValue<string>();

        var hooks = (await ctx.Receiver.WaitForReportAsync(id)).Where(h => h.CallId == id).ToList();

        Assert.Equal(["queued", "ringing", "ended", null], hooks.Select(h => h.Status));
        Assert.StartsWith("call.in-progress.error-providerfault-outbound-sip-", hooks[^1].Message["endedReason"]!.GetValue<string>());
        Assert.Null(hooks[^1].Message["startedAt"]);
        Assert.Equal(0, hooks[^1].Message["cost"]!.GetValue<double>());
    }

    [Fact]
    public async Task CreateCall_VapiFault_AnsweredThenEndsMidCallWithVapifaultReason()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => o.Outcomes = OutcomeMix.Only(m => m.VapiFault = 1));
        var id = (await ctx.CreateCallAsync(ctx.CallBody(await ctx.CreateAssistantAsync(), "+14155550123")))["id"]!.GetValue<string>();

        var hooks = (await ctx.Receiver.WaitForReportAsync(id)).Where(h => h.CallId == id).ToList();
        var report = hooks[^1].Message;

        Assert.Equal(["queued", "ringing", "in-progress", "ended", null], hooks.Select(h => h.Status));
        Assert.Equal("call.in-progress.error-vapifault-worker-died", report["endedReason"]!.GetValue<string>());
        Assert.NotNull(report["startedAt"]);
        Assert.Equal("false", report["analysis"]!["successEvaluation"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateCall_FailedToConnect_NeverRings()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => o.Outcomes = OutcomeMix.Only(m => m.FailedToConnect = 1));
        var id = (await ctx.CreateCallAsync(ctx.CallBody(await ctx.CreateAssistantAsync(), "+14155550123")))["id"]!.GetValue<string>();

        var hooks = (await ctx.Receiver.WaitForReportAsync(id)).Where(h => h.CallId == id).ToList();

        Assert.Equal(["queued", "ended", null], hooks.Select(h => h.Status));
        Assert.Equal("twilio-failed-to-connect-call", hooks[^1].Message["endedReason"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateCall_DefaultMixManyCalls_ReachesEveryOutcomeWithDurationsThatFit()
    {
        const int count = 600;
        await using var ctx = await SimulatorTestContext.StartAsync(o =>
        {
            o.ConcurrencyLimit = count;
            o.TimeScale = 0.001;
        });
        var assistantId = await ctx.CreateAssistantAsync();
        await Task.WhenAll(Enumerable.Range(0, count).Select(i => ctx.CreateCallAsync(ctx.CallBody(assistantId, $"+1415558{i:0000}"))));

        var calls = await ctx.WaitForAllEndedAsync(timeoutSeconds: 60);
        var stats = ctx.Simulator.GetStats();

        // The seeded default mix reaches the rare outcomes too.
        Assert.Contains(stats.EndedReasons.Keys, r => r.StartsWith("call.in-progress.error-providerfault-outbound-sip-", StringComparison.Ordinal));
        Assert.Contains("call.in-progress.error-vapifault-worker-died", stats.EndedReasons.Keys);
        Assert.Contains("assistant-forwarded-call", stats.EndedReasons.Keys);
        Assert.Contains("twilio-failed-to-connect-call", stats.EndedReasons.Keys);
        Assert.Contains("voicemail", stats.EndedReasons.Keys);
        Assert.Equal(count, stats.EndedReasons.Values.Sum());

        // Planned (nominal) durations: no answer rings 20–30 s, a talk lasts 30 s – 5 min (10 min max duration).
        Assert.All(calls, c =>
        {
            var plan = c!["plan"]!;
            double Seconds(string key) => plan[key]!.GetValue<double>();
            switch (c["outcome"]!.GetValue<string>())
            {
                case "NoAnswer":
                    Assert.InRange(Seconds("ringSeconds"), 20, 30);
                    Assert.Equal(0, Seconds("talkSeconds"));
                    break;
                case "Busy" or "ProviderFault":
                    Assert.InRange(Seconds("ringSeconds"), 3, 8);
                    break;
                case "Talked" when c["endedReason"]!.GetValue<string>() == "exceeded-max-duration":
                    Assert.Equal(600, Seconds("talkSeconds"));
                    break;
                case "Talked":
                    Assert.InRange(Seconds("talkSeconds"), 30, 300);
                    break;
                case "Voicemail":
                    Assert.InRange(Seconds("talkSeconds"), 20, 40);
                    break;
                case "Forwarded":
                    Assert.InRange(Seconds("talkSeconds"), 10, 100);
                    Assert.InRange(Seconds("forwardingSeconds"), 2, 8);
                    break;
                case "FailedToConnect":
                    Assert.Equal(0, Seconds("ringSeconds"));
                    break;
            }
        });
    }

    [Fact]
    public async Task CreateCall_SchedulePlanInFuture_ScheduledThenDialledWithoutHoldingASlotMeanwhile()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o =>
        {
            o.Outcomes = OutcomeMix.Only(m => m.Busy = 1);
            o.TimeScale = 0.001; // due in 60 s nominal = 60 ms
        });
        var body = ctx.CallBody(await ctx.CreateAssistantAsync(), "+14155550123");
        var earliest = DateTimeOffset.UtcNow.AddSeconds(60).ToString("O");
        body["schedulePlan"] = new JsonObject { ["earliestAt"] = earliest };

        var call = await ctx.CreateCallAsync(body);
        var id = call["id"]!.GetValue<string>();
        var hooks = (await ctx.Receiver.WaitForReportAsync(id)).Where(h => h.CallId == id).ToList();
        var sim = await ctx.SimCallAsync(id);

        Assert.Equal("scheduled", call["status"]!.GetValue<string>());
        Assert.Equal(earliest, call["schedulePlan"]!["earliestAt"]!.GetValue<string>());
        Assert.Equal(10, call["subscriptionLimits"]!["remainingConcurrentCalls"]!.GetValue<int>());
        Assert.Equal(["scheduled", "queued", "ringing", "ended", null], hooks.Select(h => h.Status));
        Assert.Equal(["scheduled", "queued", "ringing", "ended"], ((JsonArray)sim["timeline"]!).Select(t => t!["status"]!.GetValue<string>()));
        Assert.NotNull(sim["scheduledFor"]);
        Assert.Equal(1, ctx.Simulator.GetStats().MaxConcurrentAccount);
    }

    [Fact]
    public async Task DeleteCall_StillScheduled_EndsWithScheduledCallDeletedNeverDialled()
    {
        await using var ctx = await SimulatorTestContext.StartAsync();
        var body = ctx.CallBody(await ctx.CreateAssistantAsync(), "+14155550123");
        body["schedulePlan"] = new JsonObject { ["earliestAt"] = DateTimeOffset.UtcNow.AddDays(1).ToString("O") };
        var id = (await ctx.CreateCallAsync(body))["id"]!.GetValue<string>();

        var deleted = await ctx.Http.DeleteAsync($"/call/{id}");
        var hooks = (await ctx.Receiver.WaitForReportAsync(id)).Where(h => h.CallId == id).ToList();

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(["scheduled", "ended", null], hooks.Select(h => h.Status));
        Assert.Equal("scheduled-call-deleted", hooks[^1].Message["endedReason"]!.GetValue<string>());
        Assert.Equal(0, ctx.Simulator.GetStats().MaxConcurrentAccount);
    }

    [Theory]
    [InlineData("""{}""", "schedulePlan.earliestAt must be a valid ISO 8601 date string")]
    [InlineData("""{"earliestAt":"soon"}""", "schedulePlan.earliestAt must be a valid ISO 8601 date string")]
    [InlineData("""{"earliestAt":"2030-01-02T00:00:00Z","latestAt":"2030-01-01T00:00:00Z"}""", "schedulePlan.latestAt must be after schedulePlan.earliestAt")]
    [InlineData("""{"earliestAt":"2030-01-02T00:00:00Z","timezone":"UTC"}""", "schedulePlan.property timezone should not exist")]
    public async Task CreateCall_InvalidSchedulePlan_Returns400(string plan, string expected)
    {
        await using var ctx = await SimulatorTestContext.StartAsync();
        var body = ctx.CallBody(await ctx.CreateAssistantAsync(), "+14155550123");
        body["schedulePlan"] = JsonNode.Parse(plan);

        var response = await ctx.Http.PostAsync("/call", SimulatorTestContext.Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (await SimulatorTestContext.ReadAsync(response))["message"]!.AsArray().Select(m => m!.GetValue<string>()));
    }
}
