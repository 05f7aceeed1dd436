using System.Net;
using System.Text.Json.Nodes;
using AutoLynx.Vapi.Tests.Simulator;
using AutoLynx.VapiSimulator;
using AutoLynx.VapiSimulator.Spec;

namespace AutoLynx.Vapi.Tests.Contract;

/// <summary>Everything the simulator answers and sends, judged by Vapi's published OpenAPI document (required fields,
/// types, enums and bounds; extra fields pass, as Vapi adds fields often): Call, Assistant, the phone numbers, and every
/// status-update and end-of-call-report of every outcome.</summary>
public sealed class SimulatorSpecContractTests
{
    public static TheoryData<string> Outcomes() =>
        ["Talked", "NoAnswer", "Busy", "Voicemail", "FailedToConnect", "Forwarded", "ProviderFault", "VapiFault"];

    [Theory]
    [MemberData(nameof(Outcomes))]
    public async Task Webhooks_EveryMessageOfAnOutcome_MatchTheSpecsServerMessageSchemas(string outcome)
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => o.Outcomes = OutcomeMix.Only(m =>
            typeof(OutcomeMix).GetProperty(outcome)!.SetValue(m, 1.0)));
        var assistantId = await ctx.CreateAssistantAsync(new JsonObject
        {
            ["analysisPlan"] = new JsonObject { ["summaryPlan"] = new JsonObject { ["enabled"] = true } },
        }, vapiDefaults: true);
        var id = (await ctx.CreateCallAsync(ctx.CallBody(assistantId, "+14155550123")))["id"]!.GetValue<string>();

        await ctx.Receiver.WaitForReportAsync(id);
        var hooks = ctx.Receiver.ForCall(id);

        Assert.Contains(hooks, h => h.Type == "status-update");
        Assert.Contains(hooks, h => h.Type == "end-of-call-report");
        // By default Vapi also streams the conversation while people talk.
        if (outcome == "Talked") Assert.Contains(hooks, h => h.Type == "conversation-update");
        foreach (var hook in hooks)
        {
            var schema = hook.Type switch
            {
                "status-update" => "ServerMessageStatusUpdate",
                "end-of-call-report" => "ServerMessageEndOfCallReport",
                "speech-update" => "ServerMessageSpeechUpdate",
                "conversation-update" => "ServerMessageConversationUpdate",
                _ => throw new Xunit.Sdk.XunitException($"unexpected webhook type {hook.Type}"),
            };
            AssertMatches(schema, hook.Message, $"{hook.Type} {hook.Status}");
            AssertMatches("Call", hook.Message["call"], $"{hook.Type} {hook.Status}: message.call");
        }

        AssertMatches("Call", await ctx.GetJsonAsync($"/call/{id}"), "GET /call/{id}");
        foreach (var call in (await ctx.GetJsonAsync("/call")).AsArray())
        {
            AssertMatches("Call", call, "GET /call item");
        }
    }

    [Fact]
    public async Task CreateCall_Answers_ACallTheSpecAccepts_ScheduledToo()
    {
        await using var ctx = await SimulatorTestContext.StartAsync();
        var assistantId = await ctx.CreateAssistantAsync();
        var body = ctx.CallBody(assistantId, "+14155550124");
        body["schedulePlan"] = new JsonObject { ["earliestAt"] = DateTimeOffset.UtcNow.AddDays(1).ToString("O") };

        var created = await ctx.CreateCallAsync(body);

        AssertMatches("Call", created, "POST /call answer");
        Assert.Equal("scheduled", created["status"]!.GetValue<string>());
        var deleted = await ctx.Http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/call/{created["id"]}")
        {
            Content = SimulatorTestContext.Json("{}"),
        });
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        AssertMatches("Call", await SimulatorTestContext.ReadAsync(deleted), "DELETE /call/{id} answer");
    }

    [Fact]
    public async Task Assistants_EveryAnswer_IsAnAssistantTheSpecAccepts()
    {
        await using var ctx = await SimulatorTestContext.StartAsync();
        var id = await ctx.CreateAssistantAsync(new JsonObject
        {
            ["model"] = new JsonObject
            {
                ["provider"] = "openai", ["model"] = "gpt-4o",
                ["messages"] = new JsonArray(new JsonObject { ["role"] = "system", ["content"] = "Be brief." }),
            },
            ["voice"] = new JsonObject { ["provider"] = "11labs", ["voiceId"] = "21m00Tcm4TlvDq8ikWAM" },
        });

        AssertMatches("Assistant", await ctx.GetJsonAsync($"/assistant/{id}"), "GET /assistant/{id}");
        var patched = await ctx.Http.PatchAsync($"/assistant/{id}", SimulatorTestContext.Json("""{"firstMessage":"Hello"}"""));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        AssertMatches("Assistant", await SimulatorTestContext.ReadAsync(patched), "PATCH /assistant/{id}");
        foreach (var assistant in (await ctx.GetJsonAsync("/assistant?limit=10")).AsArray())
        {
            AssertMatches("Assistant", assistant, "GET /assistant item");
        }
    }

    [Fact]
    public async Task PhoneNumbers_EveryAnswer_MatchesTheSchemaOfItsProvider()
    {
        await using var ctx = await SimulatorTestContext.StartAsync();

        var numbers = (await ctx.GetJsonAsync("/phone-number")).AsArray();

        Assert.NotEmpty(numbers);
        foreach (var number in numbers)
        {
            var schema = number!["provider"]!.GetValue<string>() switch
            {
                "twilio" => "TwilioPhoneNumber",
                "vonage" => "VonagePhoneNumber",
                "vapi" => "VapiPhoneNumber",
                "telnyx" => "TelnyxPhoneNumber",
                _ => "ByoPhoneNumber",
            };
            AssertMatches(schema, number, "GET /phone-number item");
            AssertMatches(schema, await ctx.GetJsonAsync($"/phone-number/{number["id"]}"), "GET /phone-number/{id}");
        }
    }

    private static void AssertMatches(string schema, JsonNode? body, string what)
    {
        var errors = VapiSpec.Instance.ValidateResponse(schema, body);
        Assert.True(errors.Count == 0, $"{what} does not match the spec's {schema}: {string.Join("; ", errors)}\n{body?.ToJsonString()}");
    }
}
