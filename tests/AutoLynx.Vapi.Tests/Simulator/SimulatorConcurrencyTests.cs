using System.Net;
using System.Text.Json.Nodes;
using AutoLynx.VapiSimulator;

namespace AutoLynx.Vapi.Tests.Simulator;

public sealed class SimulatorConcurrencyTests
{
    // Calls that stay up long enough (≥ 30 s nominal at scale 1) to hold their slots during the test.
    private static void LongCalls(SimulatorOptions options, int limit, string behavior)
    {
        options.TimeScale = 1;
        options.ConcurrencyLimit = limit;
        options.ConcurrencyLimitBehavior = behavior;
        options.Outcomes = OutcomeMix.Only(m => m.Talked = 1);
    }

    [Fact]
    public async Task CreateCall_OverLimitBlocked201_Returns201BlockedAndEndsWithLimitReason()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => LongCalls(o, 2, "blocked-201"));
        var assistantId = await ctx.CreateAssistantAsync();
        await ctx.CreateCallAsync(ctx.CallBody(assistantId, "+14155550001"));
        await ctx.CreateCallAsync(ctx.CallBody(assistantId, "+14155550002"));

        var blocked = await ctx.CreateCallAsync(ctx.CallBody(assistantId, "+14155550003"));
        var id = blocked["id"]!.GetValue<string>();
        await ctx.Receiver.WaitForReportAsync(id);
        var stats = ctx.Simulator.GetStats();

        Assert.True(blocked["subscriptionLimits"]!["concurrencyBlocked"]!.GetValue<bool>());
        Assert.Equal(0, blocked["subscriptionLimits"]!["remainingConcurrentCalls"]!.GetValue<int>());
        var hooks = ctx.Receiver.ForCall(id);
        Assert.Equal(["status-update:ended", "end-of-call-report:"], hooks.Select(h => $"{h.Type}:{h.Status}"));
        Assert.All(hooks, h => Assert.Equal("call.start.error-subscription-concurrency-limit-reached", h.Message["endedReason"]!.GetValue<string>()));
        Assert.Equal(2, stats.ActiveCalls);
        Assert.Equal(2, stats.MaxConcurrentAccount);
        Assert.Equal(3, stats.TotalCalls);
        Assert.Equal(1, stats.ConcurrencyBlocked);
    }

    [Fact]
    public async Task CreateCall_LimitNotReported_SubscriptionLimitsCarriesOnlyTheBlockedFlag()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o =>
        {
            LongCalls(o, 1, "blocked-201");
            o.ReportConcurrencyLimit = false;
        });
        var assistantId = await ctx.CreateAssistantAsync();

        var accepted = (JsonObject)(await ctx.CreateCallAsync(ctx.CallBody(assistantId, "+14155550001")))["subscriptionLimits"]!;
        var blocked = (JsonObject)(await ctx.CreateCallAsync(ctx.CallBody(assistantId, "+14155550002")))["subscriptionLimits"]!;

        Assert.Equal(["concurrencyBlocked"], accepted.Select(p => p.Key));
        Assert.False(accepted["concurrencyBlocked"]!.GetValue<bool>());
        Assert.Equal(["concurrencyBlocked"], blocked.Select(p => p.Key));
        Assert.True(blocked["concurrencyBlocked"]!.GetValue<bool>());
    }

    [Fact]
    public async Task CreateCall_OverLimit400_Returns400OverConcurrencyLimit()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => LongCalls(o, 1, "400"));
        var assistantId = await ctx.CreateAssistantAsync();
        await ctx.CreateCallAsync(ctx.CallBody(assistantId, "+14155550001"));

        var response = await ctx.Http.PostAsync("/call", SimulatorTestContext.Json(ctx.CallBody(assistantId, "+14155550002")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await SimulatorTestContext.ReadAsync(response);
        Assert.Equal("Over Concurrency Limit", body["message"]![0]!.GetValue<string>());
        Assert.Single((JsonArray)await ctx.GetJsonAsync("/_sim/calls"));
    }

    [Fact]
    public async Task SimStats_ParallelCreatesOverLimit_HighWaterMarkEqualsLimit()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => LongCalls(o, 5, "blocked-201"));
        var assistantId = await ctx.CreateAssistantAsync();

        var created = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(i => ctx.CreateCallAsync(ctx.CallBody(assistantId, $"+1415555{i:0000}"))));
        var stats = await ctx.GetJsonAsync("/_sim/stats");

        Assert.Equal(5, created.Count(c => !c["subscriptionLimits"]!["concurrencyBlocked"]!.GetValue<bool>()));
        Assert.Equal(5, stats["maxConcurrentAccount"]!.GetValue<int>());
        Assert.Equal(5, stats["maxConcurrentByPhoneNumber"]![ctx.PhoneNumberId]!.GetValue<int>());
        Assert.Equal(20, stats["totalCalls"]!.GetValue<int>());
        Assert.Equal(1, stats["callsByCustomerNumber"]!["+14155550007"]!.GetValue<int>());
        Assert.NotNull(stats["webhooks"]!["sent"]);
    }

    [Fact]
    public async Task SimReset_AfterCalls_ClearsCallsAndStatsButKeepsAssistants()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => LongCalls(o, 5, "blocked-201"));
        var assistantId = await ctx.CreateAssistantAsync();
        await ctx.CreateCallAsync(ctx.CallBody(assistantId, "+14155550001"));

        var reset = await ctx.Http.PostAsync("/_sim/reset", null);
        var stats = ctx.Simulator.GetStats();

        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal(0, stats.TotalCalls);
        Assert.Equal(0, stats.ActiveCalls);
        Assert.Empty((JsonArray)await ctx.GetJsonAsync("/call"));
        Assert.Equal(HttpStatusCode.OK, (await ctx.Http.GetAsync($"/assistant/{assistantId}")).StatusCode);
    }

    [Fact]
    public async Task CreateCall_ManyConcurrentCalls_AllEndWithOneReportEach()
    {
        const int count = 500; // 1000 also passes (≈9 s on 2 cores); kept smaller for suite time
        await using var ctx = await SimulatorTestContext.StartAsync(o =>
        {
            o.ConcurrencyLimit = count;
            o.TimeScale = 0.003;
        });
        var assistantId = await ctx.CreateAssistantAsync();

        await Task.WhenAll(Enumerable.Range(0, count).Select(i => ctx.CreateCallAsync(ctx.CallBody(assistantId, $"+1415556{i:0000}"))));
        var calls = await ctx.WaitForAllEndedAsync(timeoutSeconds: 60);
        await ctx.Receiver.WaitAsync(all => all.Count(w => w.Type == "end-of-call-report") == count, timeoutSeconds: 60);
        var stats = ctx.Simulator.GetStats();

        Assert.Equal(count, calls.Count);
        Assert.Equal(0, stats.ActiveCalls);
        Assert.Equal(0, stats.Webhooks.Failed);
        Assert.True(stats.MaxConcurrentAccount > 100, $"only {stats.MaxConcurrentAccount} calls overlapped");
    }
}
