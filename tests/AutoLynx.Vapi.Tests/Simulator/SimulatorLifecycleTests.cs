using System.Net;
using System.Text.Json.Nodes;
using AutoLynx.VapiSimulator;

namespace AutoLynx.Vapi.Tests.Simulator;

public sealed class SimulatorLifecycleTests
{
    private static void Only(SimulatorOptions options, Action<OutcomeMix> set)
    {
        options.Outcomes = OutcomeMix.Only(set);
    }

    [Fact]
    public async Task CreateCall_Talked_SendsStatusUpdatesThenReportMatchingGetCall()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => Only(o, m => m.Talked = 1));
        var call = await ctx.CreateCallAsync(ctx.CallBody(await ctx.CreateAssistantAsync(), "+14155550123", "Ann Lee"));
        var id = call["id"]!.GetValue<string>();

        await ctx.Receiver.WaitForReportAsync(id);
        var hooks = ctx.Receiver.ForCall(id);
        var fetched = await ctx.GetJsonAsync($"/call/{id}");

        Assert.Equal(["status-update:queued", "status-update:ringing", "status-update:in-progress", "status-update:ended", "end-of-call-report:"],
            hooks.Select(h => $"{h.Type}:{h.Status}"));
        Assert.All(hooks, h => Assert.Equal("hook-secret", h.Headers["X-Vapi-Secret"]));
        Assert.All(hooks, h => Assert.StartsWith("application/json", h.Headers["Content-Type"]));
        var ended = hooks[3].Message;
        var report = hooks[4].Message;
        var reason = report["endedReason"]!.GetValue<string>();
        Assert.Contains(reason, new[] { "customer-ended-call", "assistant-ended-call", "assistant-said-end-call-phrase", "silence-timed-out", "exceeded-max-duration" });
        Assert.Equal(reason, ended["endedReason"]!.GetValue<string>());
        Assert.Null(hooks[2].Message["endedReason"]);
        Assert.True(report["timestamp"]!.GetValue<long>() > 1_700_000_000_000);
        Assert.NotNull(report["startedAt"]);
        Assert.NotNull(report["endedAt"]);
        Assert.True(report["cost"]!.GetValue<double>() > 0);
        Assert.Equal(["transport", "transcriber", "model", "voice", "vapi"], report["costs"]!.AsArray().Select(c => c!["type"]!.GetValue<string>()));
        Assert.Contains("Ann", report["artifact"]!["transcript"]!.GetValue<string>());
        Assert.StartsWith("AI: Hi Ann Lee, this is Sam.", report["artifact"]!["transcript"]!.GetValue<string>());
        Assert.Contains("Lee Bakery", report["analysis"]!["summary"]!.GetValue<string>());
        Assert.Contains(report["analysis"]!["successEvaluation"]!.GetValue<string>(), new[] { "true", "false" });
        Assert.NotNull(report["artifact"]!["recordingUrl"]);
        Assert.Equal("Sam outbound", report["assistant"]!["name"]!.GetValue<string>());
        Assert.Equal("+14155550123", report["customer"]!["number"]!.GetValue<string>());
        Assert.Equal("+14155550100", report["phoneNumber"]!["number"]!.GetValue<string>());
        Assert.Equal("cmp-7", report["call"]!["assistantOverrides"]!["metadata"]!["campaignId"]!.GetValue<string>());

        Assert.Equal("ended", fetched["status"]!.GetValue<string>());
        Assert.Equal(reason, fetched["endedReason"]!.GetValue<string>());
        Assert.Equal(report["cost"]!.GetValue<double>(), fetched["cost"]!.GetValue<double>());
        Assert.True(JsonNode.DeepEquals(report["artifact"], fetched["artifact"]));
        Assert.True(JsonNode.DeepEquals(report["analysis"], fetched["analysis"]));
        Assert.Equal(report["endedAt"]!.GetValue<string>(), fetched["endedAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateCall_NoAnswer_EndsWithoutInProgressOrStartedAt()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => Only(o, m => m.NoAnswer = 1));
        var call = await ctx.CreateCallAsync(ctx.CallBody(await ctx.CreateAssistantAsync(), "+14155550123"));
        var id = call["id"]!.GetValue<string>();

        await ctx.Receiver.WaitForReportAsync(id);
        var hooks = ctx.Receiver.ForCall(id);

        Assert.Equal(["queued", "ringing", "ended", null], hooks.Select(h => h.Status));
        var report = hooks[^1].Message;
        Assert.Equal("customer-did-not-answer", report["endedReason"]!.GetValue<string>());
        Assert.Null(report["startedAt"]);
        Assert.Null(report["endedAt"]);
        Assert.Equal(0, report["cost"]!.GetValue<double>());
        Assert.Null(report["artifact"]!["transcript"]);
    }

    [Fact]
    public async Task ControlUrl_EndCallOnLiveCall_EndsManuallyCanceled()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o =>
        {
            Only(o, m => m.Talked = 1);
            o.Faults.RateNeverEnds = 1;
        });
        var call = await ctx.CreateCallAsync(ctx.CallBody(await ctx.CreateAssistantAsync(), "+14155550123"));
        var id = call["id"]!.GetValue<string>();
        await ctx.Receiver.WaitAsync(all => all.Any(w => w.CallId == id && w.Status == "in-progress"));

        using var control = new HttpClient(); // the controlUrl needs no key by default
        var response = await control.PostAsync(call["monitor"]!["controlUrl"]!.GetValue<string>(), SimulatorTestContext.Json("""{"type":"end-call"}"""));
        await ctx.Receiver.WaitForReportAsync(id);
        var fetched = await ctx.GetJsonAsync($"/call/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ended", fetched["status"]!.GetValue<string>());
        Assert.Equal("manually-canceled", fetched["endedReason"]!.GetValue<string>());
        Assert.Equal("manually-canceled", ctx.Receiver.ForCall(id).Single(w => w.Status == "ended").Message["endedReason"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateCall_AssistantServerUrl_TakesPrecedenceAndSendsServerHeaders()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => Only(o, m => m.Busy = 1));
        await using var assistantReceiver = await WebhookReceiver.StartAsync();
        var assistantId = await ctx.CreateAssistantAsync(new JsonObject
        {
            ["server"] = new JsonObject
            {
                ["url"] = assistantReceiver.Url.ToString(),
                ["headers"] = new JsonObject { ["X-Custom"] = "abc" },
            },
        });
        var call = await ctx.CreateCallAsync(ctx.CallBody(assistantId, "+14155550123"));
        var id = call["id"]!.GetValue<string>();

        await assistantReceiver.WaitForReportAsync(id);

        Assert.Empty(ctx.Receiver.ForCall(id));
        Assert.All(assistantReceiver.ForCall(id), w => Assert.Equal("abc", w.Headers["X-Custom"]));
        Assert.Equal("customer-busy", assistantReceiver.ForCall(id)[^1].Message["endedReason"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateCall_SameSeedOnTwoInstances_SameEndedReasons()
    {
        var numbers = Enumerable.Range(0, 12).Select(i => $"+1415555{i:0000}").ToList();

        async Task<Dictionary<string, string>> RunAsync(IEnumerable<string> order)
        {
            await using var ctx = await SimulatorTestContext.StartAsync(o =>
            {
                o.Seed = 1234;
                o.ConcurrencyLimit = 100;
            });
            var assistantId = await ctx.CreateAssistantAsync();
            await Task.WhenAll(order.Select(n => ctx.CreateCallAsync(ctx.CallBody(assistantId, n))));
            var calls = await ctx.WaitForAllEndedAsync();
            return calls.ToDictionary(c => c!["customerNumber"]!.GetValue<string>(), c => c!["endedReason"]!.GetValue<string>());
        }

        var first = await RunAsync(numbers);
        var second = await RunAsync(Enumerable.Reverse(numbers));

        Assert.Equal(numbers.Count, first.Count);
        Assert.Equal(first.OrderBy(p => p.Key), second.OrderBy(p => p.Key));
        Assert.True(first.Values.Distinct().Count() > 1, "a realistic mix should give more than one ended reason");
    }
}
