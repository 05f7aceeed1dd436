using System.Net;
using System.Text.Json.Nodes;
using AutoLynx.VapiSimulator;

namespace AutoLynx.Vapi.Tests.Simulator;

/// <summary>GET/PUT /_sim/config: the fault plan, outcome mix, limit and webhook settings changed while running.</summary>
public sealed class SimulatorConfigTests
{
    [Fact]
    public async Task GetConfig_Running_ShowsLiveSettingsWithSecretsMasked()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o =>
        {
            o.Faults.RateDropWebhook = 0.25;
            o.ConcurrencyLimit = 7;
        });

        var config = await ctx.GetJsonAsync("/_sim/config");

        Assert.Equal(0.25, config["faults"]!["rateDropWebhook"]!.GetValue<double>());
        Assert.Equal(7, config["concurrencyLimit"]!.GetValue<int>());
        Assert.Equal(ctx.Receiver.Url.ToString(), config["webhookUrl"]!.GetValue<string>());
        Assert.Equal("***", config["webhookSecret"]!.GetValue<string>());
        Assert.Equal("***", config["apiKey"]!.GetValue<string>());
        Assert.Null(config["webhookHmacSecret"]);
        Assert.Equal(50, config["outcomes"]!["talked"]!.GetValue<double>());
        Assert.True(config["outcomes"]!["providerFault"]!.GetValue<double>() > 0);
        Assert.True(config["outcomes"]!["vapiFault"]!.GetValue<double>() > 0);
    }

    [Fact]
    public async Task PutConfig_FaultRate_AppliesToTheNextRequestAndMergesTheRest()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => o.Faults.RateDropWebhook = 0.25);
        var assistantId = await ctx.CreateAssistantAsync();

        var put = await ctx.PutConfigAsync("""{"faults":{"rate500BeforeCreate":1}}""");
        var failed = await ctx.Http.PostAsync("/call", SimulatorTestContext.Json(ctx.CallBody(assistantId, "+14155550001")));
        await ctx.PutConfigAsync("""{"faults":{"rate500BeforeCreate":0}}""");
        var created = await ctx.Http.PostAsync("/call", SimulatorTestContext.Json(ctx.CallBody(assistantId, "+14155550002")));
        var config = await ctx.GetJsonAsync("/_sim/config");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(1, (await SimulatorTestContext.ReadAsync(put))["faults"]!["rate500BeforeCreate"]!.GetValue<double>());
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(0.25, config["faults"]!["rateDropWebhook"]!.GetValue<double>()); // untouched by the merges
        Assert.Equal(1, ctx.Simulator.GetStats().Faults.Error500BeforeCreate);
    }

    [Fact]
    public async Task PutConfig_ConcurrencyLimitAndBehaviour_AppliesToLaterCalls()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o =>
        {
            o.TimeScale = 1; // calls stay live for the whole test
            o.Outcomes = OutcomeMix.Only(m => m.Talked = 1);
        });
        var assistantId = await ctx.CreateAssistantAsync();
        await ctx.CreateCallAsync(ctx.CallBody(assistantId, "+14155550001"));

        (await ctx.PutConfigAsync("""{"concurrencyLimit":1,"concurrencyLimitBehavior":"400"}""")).EnsureSuccessStatusCode();
        var refused = await ctx.Http.PostAsync("/call", SimulatorTestContext.Json(ctx.CallBody(assistantId, "+14155550002")));
        (await ctx.PutConfigAsync("""{"concurrencyLimit":2}""")).EnsureSuccessStatusCode();
        var accepted = await ctx.CreateCallAsync(ctx.CallBody(assistantId, "+14155550003"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(2, accepted["subscriptionLimits"]!["concurrencyLimit"]!.GetValue<int>());
        Assert.Equal(0, accepted["subscriptionLimits"]!["remainingConcurrentCalls"]!.GetValue<int>());
        Assert.Equal(2, ctx.Simulator.GetStats().MaxConcurrentAccount);
    }

    [Fact]
    public async Task PutConfig_WebhookUrlAndOutcomes_NextCallUsesThem()
    {
        await using var ctx = await SimulatorTestContext.StartAsync();
        await using var other = await WebhookReceiver.StartAsync();
        var assistantId = await ctx.CreateAssistantAsync();

        var body = new JsonObject
        {
            ["webhookUrl"] = other.Url.ToString(),
            ["outcomes"] = new JsonObject
            {
                ["talked"] = 0, ["noAnswer"] = 0, ["busy"] = 1, ["voicemail"] = 0, ["failedToConnect"] = 0,
                ["forwarded"] = 0, ["providerFault"] = 0, ["vapiFault"] = 0,
            },
        };
        (await ctx.PutConfigAsync(body.ToJsonString())).EnsureSuccessStatusCode();
        var id = (await ctx.CreateCallAsync(ctx.CallBody(assistantId, "+14155550123")))["id"]!.GetValue<string>();
        var hooks = await other.WaitForReportAsync(id);

        Assert.Empty(ctx.Receiver.Received);
        Assert.Equal("customer-busy", hooks.Single(w => w.Type == "end-of-call-report").Message["endedReason"]!.GetValue<string>());
    }

    [Fact]
    public async Task PutConfig_MaskedSecretSentBack_KeepsTheSecret()
    {
        await using var ctx = await SimulatorTestContext.StartAsync();
        var current = await ctx.GetJsonAsync("/_sim/config");
        current["timeScale"] = 0.002;

        var put = await ctx.PutConfigAsync(current.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("hook-secret", ctx.Simulator.Options.WebhookSecret);
        Assert.Equal("sim-private-key", ctx.Simulator.Options.ApiKey);
        Assert.Equal(0.002, ctx.Simulator.Options.TimeScale);
    }

    [Fact]
    public async Task PutConfig_InvalidValues_Returns400MessageArrayAndChangesNothing()
    {
        await using var ctx = await SimulatorTestContext.StartAsync();

        var response = await ctx.PutConfigAsync(
            """{"timeScale":0.5,"faults":{"rate429":2,"rateTypo":1},"concurrencyLimitBehavior":"queue","phoneNumbers":["+15550000000"],"seed":"abc"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var messages = (await SimulatorTestContext.ReadAsync(response))["message"]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
        Assert.Contains("property faults.rateTypo should not exist", messages);
        Assert.Contains("phoneNumbers cannot be changed while the simulator runs", messages);
        Assert.Contains("seed must be an integer number", messages);
        Assert.Equal(0.001, ctx.Simulator.Options.TimeScale);
        Assert.Equal(0, ctx.Simulator.Options.Faults.Rate429);
    }

    [Fact]
    public async Task PutConfig_OutOfRangeRate_Returns400NamingIt()
    {
        await using var ctx = await SimulatorTestContext.StartAsync();

        var response = await ctx.PutConfigAsync("""{"faults":{"rate429":2},"concurrencyLimitBehavior":"queue"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var messages = (await SimulatorTestContext.ReadAsync(response))["message"]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
        Assert.Contains("faults.rate429 must not be greater than 1", messages);
        Assert.Contains("concurrencyLimitBehavior must be one of the following values: blocked-201, 400", messages);
        Assert.Equal(0, ctx.Simulator.Options.Faults.Rate429);
    }
}
