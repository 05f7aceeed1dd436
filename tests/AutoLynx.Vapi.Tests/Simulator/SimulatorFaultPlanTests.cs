using System.Net;
using System.Text.Json.Nodes;
using AutoLynx.VapiSimulator;

namespace AutoLynx.Vapi.Tests.Simulator;

/// <summary>The faults added to the original eight: slow responses, bursts, targeted drops, retries, and the seed
/// deciding every fault.</summary>
public sealed class SimulatorFaultPlanTests
{
    [Fact]
    public async Task Request_SlowResponseLongerThanClientTimeout_ClientGivesUp()
    {
        await using var ctx = await SimulatorTestContext.StartAsync();
        (await ctx.Http.GetAsync("/call")).EnsureSuccessStatusCode(); // warm: the first request may be slow anyway
        (await ctx.PutConfigAsync("""{"faults":{"rateSlowResponse":1,"slowResponseMs":60000}}""")).EnsureSuccessStatusCode();
        using var impatient = new HttpClient { BaseAddress = ctx.Simulator.BaseUrl, Timeout = TimeSpan.FromSeconds(2) };
        impatient.DefaultRequestHeaders.Authorization = ctx.Http.DefaultRequestHeaders.Authorization;

        await Assert.ThrowsAsync<TaskCanceledException>(() => impatient.GetAsync("/call"));

        Assert.Equal(1, ctx.Simulator.GetStats().Faults.SlowResponses);
    }

    [Fact]
    public async Task CreateCall_SlowResponse_StillCreatesAndAnswers201()
    {
        await using var ctx = await SimulatorTestContext.StartAsync();
        var assistantId = await ctx.CreateAssistantAsync();
        ctx.Simulator.Options.Faults.RateSlowResponse = 1;
        ctx.Simulator.Options.Faults.SlowResponseMs = 50;

        var call = await ctx.CreateCallAsync(ctx.CallBody(assistantId, "+14155550123"));

        Assert.Equal("queued", call["status"]!.GetValue<string>());
        Assert.Equal(1, ctx.Simulator.GetStats().Faults.SlowResponses);
    }

    [Fact]
    public async Task Webhooks_BurstAll_HeldWebhooksArriveTogetherInNaturalOrderPerCall()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o =>
        {
            o.Outcomes = OutcomeMix.Only(m => m.Talked = 1);
            o.Faults.RateBurst = 1;
            o.Faults.BurstIntervalMs = 500;
        });
        var assistantId = await ctx.CreateAssistantAsync();
        var ids = new List<string>();
        foreach (var number in new[] { "+14155550001", "+14155550002", "+14155550003" })
        {
            ids.Add((await ctx.CreateCallAsync(ctx.CallBody(assistantId, number)))["id"]!.GetValue<string>());
        }

        var records = new List<(string Call, int? Burst)>();
        foreach (var id in ids)
        {
            records.AddRange(((JsonArray)(await ctx.WaitForSettledAsync(id))["webhooks"]!)
                .Select(w => (id, w!["burst"]?.GetValue<int>())));
        }

        Assert.Equal(15, records.Count);
        Assert.All(records, r => Assert.NotNull(r.Burst));
        // A burst releases webhooks of several calls at once.
        Assert.Contains(records.GroupBy(r => r.Burst), g => g.Select(r => r.Call).Distinct().Count() > 1);
        Assert.Equal(15, ctx.Simulator.GetStats().Webhooks.BurstHeld);
        Assert.All(ids, id => Assert.Equal(
            ["queued", "ringing", "in-progress", "ended", null],
            ctx.Receiver.ForCall(id).Select(w => w.Status)));
    }

    [Fact]
    public async Task Webhooks_DropOnlyReportAndFinalStatus_CallEndsUnannouncedButGetCallKnows()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o =>
        {
            o.Outcomes = OutcomeMix.Only(m => m.Talked = 1);
            o.Faults.RateDropWebhook = 1;
            o.Faults.DropWebhookFilter = "end-of-call-report,status-update:ended";
        });
        var call = await ctx.CreateCallAsync(ctx.CallBody(await ctx.CreateAssistantAsync(), "+14155550123"));
        var id = call["id"]!.GetValue<string>();

        await ctx.WaitForAllEndedAsync();
        var sim = await ctx.WaitForSettledAsync(id);
        var fetched = await ctx.GetJsonAsync($"/call/{id}");

        Assert.Equal(["queued", "ringing", "in-progress"], ctx.Receiver.ForCall(id).Select(w => w.Status));
        var dropped = ((JsonArray)sim["webhooks"]!).Where(w => w!["result"]!.GetValue<string>() == "dropped")
            .Select(w => $"{w!["type"]}:{w["status"]}").Order().ToList();
        Assert.Equal(["end-of-call-report:", "status-update:ended"], dropped);
        Assert.Equal(2, ctx.Simulator.GetStats().Webhooks.Dropped);
        Assert.Equal("ended", fetched["status"]!.GetValue<string>());
        Assert.NotNull(fetched["artifact"]!["transcript"]);
    }

    [Fact]
    public async Task Webhooks_ReceiverFailsAndNoRetriesConfigured_EachSentOnceAndCountedFailed()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => o.Outcomes = OutcomeMix.Only(m => m.Busy = 1));
        ctx.Receiver.StatusFor = _ => 500;
        var call = await ctx.CreateCallAsync(ctx.CallBody(await ctx.CreateAssistantAsync(), "+14155550123"));
        var id = call["id"]!.GetValue<string>();

        await ctx.Receiver.WaitForReportAsync(id);
        var sim = await ctx.WaitForSettledAsync(id);
        var stats = ctx.Simulator.GetStats();

        Assert.Equal(["queued", "ringing", "ended", null], ctx.Receiver.ForCall(id).Select(w => w.Status));
        Assert.All((JsonArray)sim["webhooks"]!, w =>
        {
            Assert.Equal("failed: 500", w!["result"]!.GetValue<string>());
            Assert.Equal(1, w["attempts"]!.GetValue<int>());
        });
        Assert.Equal(4, stats.Webhooks.Failed);
        Assert.Equal(0, stats.Webhooks.Retried);
        Assert.Equal(0, stats.Webhooks.Sent);
    }

    [Fact]
    public async Task Webhooks_WebhookRetriesConfigured_FailedFirstAttemptsAreRetriedAndDelivered()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o =>
        {
            o.Outcomes = OutcomeMix.Only(m => m.Busy = 1);
            o.WebhookRetries = 2;
            o.WebhookRetryDelayMs = 10;
        });
        var seen = new HashSet<string>();
        ctx.Receiver.StatusFor = w =>
        {
            lock (seen)
            {
                return seen.Add(w.RawBody) ? 503 : 200; // each body fails once
            }
        };
        var call = await ctx.CreateCallAsync(ctx.CallBody(await ctx.CreateAssistantAsync(), "+14155550123"));
        var id = call["id"]!.GetValue<string>();

        await ctx.Receiver.WaitAsync(all => all.Count(w => w.CallId == id && w.Type == "end-of-call-report") == 2);
        var sim = await ctx.WaitForSettledAsync(id);
        var stats = ctx.Simulator.GetStats();

        Assert.Equal(8, ctx.Receiver.ForCall(id).Count);
        Assert.All((JsonArray)sim["webhooks"]!, w =>
        {
            Assert.Equal("sent", w!["result"]!.GetValue<string>());
            Assert.Equal(2, w["attempts"]!.GetValue<int>());
        });
        Assert.Equal(4, stats.Webhooks.Retried);
        Assert.Equal(4, stats.Webhooks.Sent);
        Assert.Equal(0, stats.Webhooks.Failed);
    }

    [Theory]
    [InlineData(500, 3)] // retried up to maxRetries
    [InlineData(401, 1)] // excluded: given up at once
    public async Task Webhooks_AssistantServerBackoffPlan_RetriesExceptExcludedStatusCodes(int receiverStatus, int expectedAttempts)
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => o.Outcomes = OutcomeMix.Only(m => m.FailedToConnect = 1));
        ctx.Receiver.StatusFor = _ => receiverStatus;
        var assistantId = await ctx.CreateAssistantAsync(new JsonObject
        {
            ["server"] = new JsonObject
            {
                ["url"] = ctx.Receiver.Url.ToString(),
                ["backoffPlan"] = new JsonObject
                {
                    ["type"] = "fixed", ["maxRetries"] = 2, ["baseDelaySeconds"] = 0, ["excludedStatusCodes"] = new JsonArray(401),
                },
            },
        });
        var call = await ctx.CreateCallAsync(ctx.CallBody(assistantId, "+14155550123"));
        var id = call["id"]!.GetValue<string>();

        var sim = await ctx.WaitForSettledAsync(id); // queued, ended, end-of-call-report: three webhooks

        Assert.All((JsonArray)sim["webhooks"]!, w => Assert.Equal(expectedAttempts, w!["attempts"]!.GetValue<int>()));
        Assert.Equal(3 * expectedAttempts, ctx.Receiver.ForCall(id).Count);
        Assert.Equal(3, ctx.Simulator.GetStats().Webhooks.Failed);
    }

    [Fact]
    public async Task NeverEnds_SwitchedOffAtRunTime_EarlierCallStaysInProgressLaterCallEnds()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o =>
        {
            o.Outcomes = OutcomeMix.Only(m => m.Talked = 1);
            o.Faults.RateNeverEnds = 1;
        });
        var assistantId = await ctx.CreateAssistantAsync();
        var stuck = (await ctx.CreateCallAsync(ctx.CallBody(assistantId, "+14155550001")))["id"]!.GetValue<string>();
        await ctx.Receiver.WaitAsync(all => all.Any(w => w.CallId == stuck && w.Status == "in-progress"));

        (await ctx.PutConfigAsync("""{"faults":{"rateNeverEnds":0}}""")).EnsureSuccessStatusCode();
        var normal = (await ctx.CreateCallAsync(ctx.CallBody(assistantId, "+14155550002")))["id"]!.GetValue<string>();
        await ctx.Receiver.WaitForReportAsync(normal);
        var stuckCall = await ctx.GetJsonAsync($"/call/{stuck}");

        // The stuck call was answered before the normal one was even created, and a talk lasts at most 0.3 s here.
        Assert.Equal("in-progress", stuckCall["status"]!.GetValue<string>());
        Assert.True((await ctx.SimCallAsync(stuck))["neverEnds"]!.GetValue<bool>());
        Assert.DoesNotContain(ctx.Receiver.ForCall(stuck), w => w.Status == "ended");
        Assert.Equal(1, ctx.Simulator.GetStats().Faults.NeverEnds);
    }

    [Fact]
    public async Task FaultsAndOutcomes_SameSeedDifferentRequestOrder_SameFaultsAndOutcomesPerNumber()
    {
        var numbers = Enumerable.Range(0, 16).Select(i => $"+1415557{i:0000}").ToList();

        async Task<Dictionary<string, string>> RunAsync(IEnumerable<string> order)
        {
            await using var ctx = await SimulatorTestContext.StartAsync(o =>
            {
                o.Seed = 99;
                o.ConcurrencyLimit = 100;
                o.Faults.Rate500AfterCreate = 0.3;
                o.Faults.RateDropWebhook = 0.3;
                o.Faults.RateDuplicateWebhook = 0.3;
                o.Faults.RateReorderWebhook = 0.3;
            });
            var assistantId = await ctx.CreateAssistantAsync();
            var posted = await Task.WhenAll(order.Select(async n =>
            {
                var response = await ctx.Http.PostAsync("/call", SimulatorTestContext.Json(ctx.CallBody(assistantId, n)));
                return (Number: n, Status: (int)response.StatusCode);
            }));
            var calls = await ctx.WaitForAllSettledAsync();
            return calls.ToDictionary(
                c => c!["customerNumber"]!.GetValue<string>(),
                c =>
                {
                    var number = c!["customerNumber"]!.GetValue<string>();
                    var hooks = ((JsonArray)c["webhooks"]!)
                        .Select(w => $"{w!["type"]}:{w["status"]}:{w["result"]}").Order();
                    return $"{posted.Single(p => p.Number == number).Status} {c["endedReason"]} | {string.Join(", ", hooks)}";
                });
        }

        var first = await RunAsync(numbers);
        var second = await RunAsync(Enumerable.Reverse(numbers));

        Assert.Equal(numbers.Count, first.Count);
        Assert.Equal(first.OrderBy(p => p.Key), second.OrderBy(p => p.Key));
        Assert.Contains(first.Values, v => v.StartsWith("500 ", StringComparison.Ordinal));
        Assert.Contains(first.Values, v => v.Contains(":dropped", StringComparison.Ordinal));
    }
}
