using AutoLynx.Features.Calls;
using AutoLynx.Features.Engine;
using AutoLynx.Features.Contacts;
using AutoLynx.Vapi.Models;

namespace AutoLynx.Tests.Unit;

public sealed class EngineRuleTests
{
    [Fact]
    public void IdleCheckDue_OncePerIntervalForEachCampaign()
    {
        var completions = new CampaignCompletions();
        var t = new DateTime(2026, 12, 4, 20, 0, 0, DateTimeKind.Utc);
        Assert.True(completions.IdleCheckDue(1, t));
        Assert.False(completions.IdleCheckDue(1, t + CampaignCompletions.IdleCheckEvery / 2));
        Assert.True(completions.IdleCheckDue(2, t + CampaignCompletions.IdleCheckEvery / 2)); // another campaign is not held back
        Assert.True(completions.IdleCheckDue(1, t + CampaignCompletions.IdleCheckEvery));
        Assert.True(completions.IdleCheckDue(1, t)); // the clock went back: never stuck waiting for a moment already past
    }

    [Theory]
    [InlineData(5, 0, 10, 0, 10, 0, 5)]   // campaign cap binds
    [InlineData(5, 2, 10, 2, 10, 2, 3)]
    [InlineData(8, 0, 10, 7, 10, 0, 3)]   // account binds
    [InlineData(8, 0, 10, 0, 2, 1, 1)]    // line binds
    [InlineData(5, 6, 10, 6, 10, 6, 0)]   // over cap (cap lowered) never negative
    public void Compute_TakesTheSmallestRoom(int cap, int active, int accountCap, int accountActive, int lineMax, int lineActive, int expected)
        => Assert.Equal(expected, DispatchRoom.Compute(cap, active, accountCap, accountActive, lineMax, lineActive));

    [Theory]
    [InlineData(null, null, null)]
    [InlineData(0, null, 0)]
    [InlineData(1, 0, null)]   // batch 0 still live: batch 1 waits
    [InlineData(1, 1, 1)]      // batch 1 partly launched: fill it
    [InlineData(0, 0, 0)]
    public void BatchAllowed_WaitsForEarlierBatch(int? lowestPending, int? highestActive, int? expected)
        => Assert.Equal(expected, DispatchRoom.BatchAllowed(lowestPending, highestActive));

    [Theory]
    [InlineData("customer-ended-call", CallOutcomeClass.Talked)]
    [InlineData("assistant-said-end-call-phrase", CallOutcomeClass.Talked)]
    [InlineData("silence-timed-out", CallOutcomeClass.Talked)]
    [InlineData("customer-did-not-answer", CallOutcomeClass.NoAnswer)]
    [InlineData("customer-busy", CallOutcomeClass.Busy)]
    [InlineData("voicemail", CallOutcomeClass.Voicemail)]
    [InlineData("twilio-failed-to-connect-call", CallOutcomeClass.FailedToConnect)]
    [InlineData("call.in-progress.error-providerfault-outbound-sip-480-temporarily-unavailable", CallOutcomeClass.FailedToConnect)]
    [InlineData("call.in-progress.error-vapifault-worker-died", CallOutcomeClass.VapiFault)]
    [InlineData("call.in-progress.error-providerfault-eleven-labs-500-server-error", CallOutcomeClass.ProviderFault)]
    [InlineData("pipeline-error-openai-llm-failed", CallOutcomeClass.ProviderFault)]
    [InlineData("assistant-forwarded-call", CallOutcomeClass.Forwarded)]
    [InlineData("call.in-progress.error-transfer-failed", CallOutcomeClass.Error)]
    [InlineData("call.start.error-subscription-concurrency-limit-reached", CallOutcomeClass.ConcurrencyLimited)]
    [InlineData("call.start.error-subscription-insufficient-credits", CallOutcomeClass.StartFailed)]
    [InlineData("assistant-not-found", CallOutcomeClass.StartFailed)]
    [InlineData("manually-canceled", CallOutcomeClass.Canceled)]
    [InlineData("some-brand-new-reason", CallOutcomeClass.Unknown)]
    public void Classify_EndedReasons(string reason, CallOutcomeClass expected) => Assert.Equal(expected, EndedReasons.Classify(reason));

    [Theory]
    [InlineData("scheduled", null, CallStatus.Queued)]
    [InlineData("queued", null, CallStatus.Queued)]
    [InlineData("ringing", null, CallStatus.Ringing)]
    [InlineData("in-progress", null, CallStatus.InProgress)]
    [InlineData("forwarding", null, CallStatus.InProgress)]
    [InlineData("ended", "customer-ended-call", CallStatus.Ended)]
    [InlineData("ended", "customer-did-not-answer", CallStatus.Ended)]
    [InlineData("ended", "call.in-progress.error-vapifault-worker-died", CallStatus.Failed)]
    [InlineData("ended", "manually-canceled", CallStatus.Canceled)]
    [InlineData("not-a-status", null, null)]
    public void MapStatus_VapiToOurs(string status, string? reason, CallStatus? expected)
        => Assert.Equal(expected, EngineTransitions.ProviderStatus(status, reason));

    [Fact]
    public void Rank_TerminalOutranksLive_SoLateEventsNeverMoveBack()
    {
        Assert.True(CallStateMachine.Rank(CallStatus.Ended) > CallStateMachine.Rank(CallStatus.InProgress));
        Assert.True(CallStateMachine.Rank(CallStatus.InProgress) > CallStateMachine.Rank(CallStatus.Ringing));
        Assert.True(CallStateMachine.Rank(CallStatus.Ringing) > CallStateMachine.Rank(CallStatus.Queued));
        Assert.True(CallStateMachine.Rank(CallStatus.Queued) > CallStateMachine.Rank(CallStatus.Launching));
    }

    [Theory]
    [InlineData("Lead Source", "lead_source")]
    [InlineData("dealSize ($)", "deal_size")]
    [InlineData("  E-mail  ", "e_mail")]
    public void ToSnakeCase_Headers(string header, string expected) => Assert.Equal(expected, ContactColumns.ToSnakeCase(header));

    [Fact]
    public void BuildRequest_CarriesVariablesMetadataAndExternalId()
    {
        var item = new LaunchItem(42, "key-1", DateTime.UtcNow, 7, "asst", "line", 3, 9, "Ann Lee", "Lee Bakery", "+14155550123", "{\"city\":\"Oakland\"}");
        var req = CallLauncher.BuildRequest(item);
        Assert.Equal("asst", req.AssistantId);
        Assert.Equal("line", req.PhoneNumberId);
        Assert.Equal("+14155550123", req.Customer!.Number);
        Assert.Equal("42", req.Customer.ExternalId);
        Assert.Equal("Lee Bakery", req.AssistantOverrides!["variableValues"]!["business_name"]!.GetValue<string>());
        Assert.Equal("Oakland", req.AssistantOverrides["variableValues"]!["city"]!.GetValue<string>());
        Assert.Equal("key-1", req.AssistantOverrides["metadata"]!["launchKey"]!.GetValue<string>());
        Assert.Equal("42", req.AssistantOverrides["metadata"]!["callId"]!.GetValue<string>());
        Assert.True(req.Name!.Length <= 40);
    }
}
