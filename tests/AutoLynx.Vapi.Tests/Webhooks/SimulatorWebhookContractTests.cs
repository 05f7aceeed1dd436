using System.Text;
using System.Text.Json.Nodes;
using AutoLynx.Vapi.Models;
using AutoLynx.Vapi.Tests.Simulator;
using AutoLynx.Vapi.Webhooks;
using AutoLynx.VapiSimulator;

namespace AutoLynx.Vapi.Tests.Webhooks;

/// <summary>What the simulator actually sends, fed through the app's parser: every field the app reads
/// (WebhookApplier) is present and agrees with the call, for every outcome. The §8 examples of vapi-contract.md are
/// fed through the same parser in <see cref="WebhookParserContractTests"/>.</summary>
public sealed class SimulatorWebhookContractTests
{
    public static TheoryData<string> Outcomes() =>
        ["Talked", "NoAnswer", "Busy", "Voicemail", "FailedToConnect", "Forwarded", "ProviderFault", "VapiFault"];

    [Theory]
    [MemberData(nameof(Outcomes))]
    public async Task Parse_EverySimulatedWebhookOfAnOutcome_HasEveryFieldTheAppReads(string outcome)
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => o.Outcomes = OutcomeMix.Only(m =>
            typeof(OutcomeMix).GetProperty(outcome)!.SetValue(m, 1.0)));
        var id = (await ctx.CreateCallAsync(Body(ctx, await ctx.CreateAssistantAsync(), "+14155550123")))["id"]!.GetValue<string>();

        await ctx.Receiver.WaitForReportAsync(id);
        var parsed = ctx.Receiver.ForCall(id).Select(h => VapiWebhookParser.Parse(Encoding.UTF8.GetBytes(h.RawBody))).ToList();
        var fetched = await ctx.GetJsonAsync($"/call/{id}");

        var statuses = parsed.Where(p => p.Message!.IsStatusUpdate).Select(p => p.Message!.Status).ToList();
        Assert.Equal(VapiCallStatus.Queued, statuses[0]);
        Assert.Equal(VapiCallStatus.Ended, statuses[^1]);
        Assert.Single(parsed, p => p.Message!.IsEndOfCallReport);
        var reason = fetched["endedReason"]!.GetValue<string>();
        Assert.NotEqual(CallOutcomeClass.Unknown, EndedReasons.Classify(reason));

        foreach (var result in parsed)
        {
            Assert.True(result.Actionable, result.Detail);
            var m = result.Message!;
            AssertCommonFields(m, id);
            if (m.IsStatusUpdate)
            {
                Assert.Equal(m.Status, m.Call!.Status);
                Assert.Equal(m.Status == VapiCallStatus.Ended ? reason : null, m.EndedReason);
                if (m.Status is VapiCallStatus.InProgress or VapiCallStatus.Forwarding)
                {
                    Assert.NotNull(m.Call.StartedAt);
                }
            }
            else
            {
                AssertReport(m, reason, answered: fetched["startedAt"] is not null);
            }
        }
    }

    [Fact]
    public async Task Parse_ConcurrencyBlockedCall_ReportsTheLimitReasonTheAppRecognises()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o =>
        {
            o.ConcurrencyLimit = 1;
            o.TimeScale = 1;
            o.Outcomes = OutcomeMix.Only(m => m.Talked = 1);
        });
        var assistantId = await ctx.CreateAssistantAsync();
        await ctx.CreateCallAsync(Body(ctx, assistantId, "+14155550001"));
        var id = (await ctx.CreateCallAsync(Body(ctx, assistantId, "+14155550002")))["id"]!.GetValue<string>();

        await ctx.Receiver.WaitForReportAsync(id);
        var parsed = ctx.Receiver.ForCall(id).Select(h => VapiWebhookParser.Parse(h.RawBody).Message!).ToList();

        Assert.All(parsed, m =>
        {
            AssertCommonFields(m, id);
            Assert.Equal(CallOutcomeClass.ConcurrencyLimited, EndedReasons.Classify(m.EndedReason));
        });
    }

    /// <summary>Shaped like the app's POST /call: our call id as customer.externalId and assistantOverrides.metadata.callId.</summary>
    private static JsonObject Body(SimulatorTestContext ctx, string assistantId, string number)
    {
        var body = ctx.CallBody(assistantId, number, "Ann Lee");
        body["customer"]!["externalId"] = "4711";
        body["assistantOverrides"]!["metadata"]!["callId"] = "4711";
        return body;
    }

    /// <summary>What the app uses to find the call and order events: type, timestamp, call id, our ids echoed back.</summary>
    private static void AssertCommonFields(VapiServerMessage m, string id)
    {
        Assert.Contains(m.Type, new[] { VapiMessageTypes.StatusUpdate, VapiMessageTypes.EndOfCallReport });
        Assert.NotNull(m.Timestamp);
        Assert.InRange(m.Timestamp!.Value, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        var call = Assert.IsType<VapiCall>(m.Call);
        Assert.Equal(id, call.Id);
        Assert.Equal("4711", call.MetadataValue("callId"));
        Assert.Equal("4711", call.Customer?.ExternalId);
        Assert.Equal("4711", m.Customer?.ExternalId);
        Assert.Equal("+14155550100", m.PhoneNumber?["number"]?.GetValue<string>());
        Assert.NotNull(call.CreatedAt);
        Assert.NotNull(call.AssistantOverrides);
    }

    private static void AssertReport(VapiServerMessage m, string reason, bool answered)
    {
        Assert.Equal(reason, m.EndedReason);
        Assert.Equal(reason, m.Call!.EndedReason);
        Assert.Equal(VapiCallStatus.Ended, m.Call.Status);
        Assert.NotNull(m.Cost);
        Assert.NotNull(m.Costs);
        Assert.NotNull(m.Artifact);
        Assert.NotNull(m.Analysis);
        Assert.Equal(m.Cost, m.Call.Cost);
        if (!answered)
        {
            Assert.Null(m.StartedAt);
            Assert.Equal(0m, m.Cost);
            Assert.Empty(m.Costs!);
            return;
        }

        Assert.NotNull(m.StartedAt);
        Assert.NotNull(m.EndedAt);
        Assert.True(m.EndedAt > m.StartedAt);
        Assert.Equal(m.StartedAt, m.Call.StartedAt);
        Assert.Equal(m.EndedAt, m.Call.EndedAt);
        Assert.True(m.Cost > 0m);
        Assert.Equal(["transport", "transcriber", "model", "voice", "vapi"], m.Costs!.Select(c => c!["type"]!.GetValue<string>()));
        Assert.Equal((double)m.Cost!.Value, m.Costs.Sum(c => c!["cost"]!.GetValue<double>()), 3);
        Assert.False(string.IsNullOrEmpty(m.Artifact!.Transcript));
        Assert.NotEmpty(m.Artifact.Messages!);
        Assert.All(m.Artifact.Messages!, x => Assert.NotNull(x!["time"]));
        Assert.NotNull(m.Artifact.BestRecordingUrl);
        Assert.NotNull(m.Artifact.BestStereoUrl);
        Assert.False(string.IsNullOrEmpty(m.Analysis!.Summary));
        Assert.Contains(m.Analysis.SuccessEvaluation, new[] { "true", "false" });
        Assert.NotNull(m.Analysis.StructuredData);
        Assert.IsType<JsonObject>(m.Analysis.StructuredData);
    }
}
