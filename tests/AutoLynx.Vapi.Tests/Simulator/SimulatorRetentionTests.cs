using System.Net;
using System.Text.Json.Nodes;
using AutoLynx.VapiSimulator;

namespace AutoLynx.Vapi.Tests.Simulator;

/// <summary>Ended calls are kept compactly (frozen) and, past MaxRetainedCalls, the oldest are forgotten.</summary>
public sealed class SimulatorRetentionTests
{
    [Fact]
    public async Task PatchAndGetCall_EndedAndFrozen_StillServesAndEditsTheFullCall()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => o.Outcomes = OutcomeMix.Only(m => m.Talked = 1));
        var id = (await ctx.CreateCallAsync(ctx.CallBody(await ctx.CreateAssistantAsync(), "+14155550123")))["id"]!.GetValue<string>();
        await ctx.WaitForSettledAsync(id);

        var patched = await ctx.Http.PatchAsync($"/call/{id}", SimulatorTestContext.Json("""{"name":"renamed"}"""));
        var fetched = await ctx.GetJsonAsync($"/call/{id}");
        var listed = (JsonArray)await ctx.GetJsonAsync($"/call?id={id}");

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("renamed", fetched["name"]!.GetValue<string>());
        Assert.Equal("ended", fetched["status"]!.GetValue<string>());
        Assert.NotNull(fetched["artifact"]!["transcript"]);
        Assert.Equal("cmp-7", fetched["assistantOverrides"]!["metadata"]!["campaignId"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(fetched, Assert.Single(listed)));
    }

    [Fact]
    public async Task CreateCall_PastMaxRetainedCalls_OldestEndedCallsForgottenCountersKept()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o =>
        {
            o.Outcomes = OutcomeMix.Only(m => m.FailedToConnect = 1);
            o.MaxRetainedCalls = 100;
            o.ConcurrencyLimit = 200;
        });
        var assistantId = await ctx.CreateAssistantAsync();
        var first = (await ctx.CreateCallAsync(ctx.CallBody(assistantId, "+14155560000")))["id"]!.GetValue<string>();
        await Task.WhenAll(Enumerable.Range(1, 99).Select(i => ctx.CreateCallAsync(ctx.CallBody(assistantId, $"+1415556{i:0000}"))));
        await ctx.WaitForAllEndedAsync();

        await Task.WhenAll(Enumerable.Range(100, 50).Select(i => ctx.CreateCallAsync(ctx.CallBody(assistantId, $"+1415556{i:0000}"))));
        var stats = ctx.Simulator.GetStats();
        var forgotten = await ctx.Http.GetAsync($"/call/{first}");

        Assert.Equal(150, stats.TotalCalls);
        Assert.InRange(stats.RetainedCalls, 90, 100);
        Assert.Equal(150, stats.RetainedCalls + stats.ForgottenCalls);
        Assert.Equal(150, stats.CallsByCustomerNumber.Count);
        Assert.Equal(HttpStatusCode.NotFound, forgotten.StatusCode);
        Assert.Equal(stats.RetainedCalls, ((JsonArray)await ctx.GetJsonAsync("/_sim/calls")).Count);
    }
}
