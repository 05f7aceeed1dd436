using System.Net;
using System.Text.Json.Nodes;

namespace AutoLynx.Vapi.Tests.Simulator;

public sealed class SimulatorFaultTests
{
    [Fact]
    public async Task CreateCall_Rate429_Returns429WithRetryAfter()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => o.Faults.Rate429 = 1);

        var response = await ctx.Http.GetAsync("/call");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
    }

    [Fact]
    public async Task CreateCall_500BeforeCreate_CreatesNothing()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => o.Faults.Rate500BeforeCreate = 1);
        var assistantId = await ctx.CreateAssistantAsync();

        var response = await ctx.Http.PostAsync("/call", SimulatorTestContext.Json(ctx.CallBody(assistantId, "+14155550123")));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Empty((JsonArray)await ctx.GetJsonAsync("/_sim/calls"));
    }

    [Fact]
    public async Task CreateCall_500AfterCreate_CallExistsAndIsListed()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => o.Faults.Rate500AfterCreate = 1);
        var assistantId = await ctx.CreateAssistantAsync();

        var response = await ctx.Http.PostAsync("/call", SimulatorTestContext.Json(ctx.CallBody(assistantId, "+14155550123")));
        var listed = (JsonArray)await ctx.GetJsonAsync($"/call?phoneNumberId={ctx.PhoneNumberId}");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("+14155550123", Assert.Single(listed)!["customer"]!["number"]!.GetValue<string>());
    }

    [Fact]
    public async Task Webhooks_DropAll_NothingArrivesAndDropsAreCounted()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => o.Faults.RateDropWebhook = 1);
        await ctx.CreateCallAsync(ctx.CallBody(await ctx.CreateAssistantAsync(), "+14155550123"));

        await ctx.WaitForAllSettledAsync(); // the report follows the end by a few scaled seconds

        Assert.Empty(ctx.Receiver.Received);
        Assert.True(ctx.Simulator.GetStats().Webhooks.Dropped >= 3);
    }

    [Fact]
    public async Task Webhooks_DuplicateAll_EachArrivesTwice()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => o.Faults.RateDuplicateWebhook = 1);
        var call = await ctx.CreateCallAsync(ctx.CallBody(await ctx.CreateAssistantAsync(), "+14155550123"));
        var id = call["id"]!.GetValue<string>();

        var all = await ctx.Receiver.WaitAsync(w => w.Count(h => h.CallId == id && h.Type == "end-of-call-report") == 2);

        var kinds = all.Where(h => h.CallId == id).GroupBy(h => $"{h.Type}:{h.Status}").ToList();
        Assert.All(kinds, g => Assert.Equal(2, g.Count()));
        Assert.Equal(kinds.Count, ctx.Simulator.GetStats().Webhooks.Duplicated);
    }

    [Fact]
    public async Task Webhooks_ReorderAll_AllArriveButNotInNaturalOrder()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o =>
        {
            o.Outcomes = AutoLynx.VapiSimulator.OutcomeMix.Only(m => m.Talked = 1);
            o.Faults.RateReorderWebhook = 1;
        });
        var call = await ctx.CreateCallAsync(ctx.CallBody(await ctx.CreateAssistantAsync(), "+14155550123"));
        var id = call["id"]!.GetValue<string>();

        await ctx.Receiver.WaitAsync(all => all.Count(h => h.CallId == id) == 5);
        var order = ctx.Receiver.ForCall(id).Select(h => h.Status ?? h.Type).ToList();

        Assert.Equal(["ringing", "queued", "ended", "in-progress", "end-of-call-report"], order);
    }

    [Fact]
    public async Task CreateCall_TimeoutAfterCreate_ClientTimesOutButCallWasPlaced()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => o.Faults.RateTimeoutAfterCreate = 1);
        var assistantId = await ctx.CreateAssistantAsync();
        using var impatient = new HttpClient { BaseAddress = ctx.Simulator.BaseUrl, Timeout = TimeSpan.FromSeconds(1) };
        impatient.DefaultRequestHeaders.Authorization = ctx.Http.DefaultRequestHeaders.Authorization;

        await Assert.ThrowsAsync<TaskCanceledException>(() =>
            impatient.PostAsync("/call", SimulatorTestContext.Json(ctx.CallBody(assistantId, "+14155550123"))));
        var listed = (JsonArray)await ctx.GetJsonAsync("/call");

        Assert.Equal("+14155550123", Assert.Single(listed)!["customer"]!["number"]!.GetValue<string>());
    }

    [Fact]
    public async Task Webhooks_HmacSecret_SignTimestampDotRawBody()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o =>
        {
            o.WebhookHmacSecret = "hmac-key";
            o.WebhookBearerToken = "bearer-token";
        });
        var call = await ctx.CreateCallAsync(ctx.CallBody(await ctx.CreateAssistantAsync(), "+14155550123"));

        var hooks = await ctx.Receiver.WaitForReportAsync(call["id"]!.GetValue<string>());

        Assert.All(hooks, h =>
        {
            var timestamp = h.Headers["x-timestamp"];
            var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
                System.Text.Encoding.UTF8.GetBytes("hmac-key"), System.Text.Encoding.UTF8.GetBytes(timestamp + "." + h.RawBody)));
            Assert.Equal(expected, h.Headers["x-signature"]);
            Assert.Equal("Bearer bearer-token", h.Headers["Authorization"]);
        });
    }
}
