using System.Net;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Contacts;
using AutoLynx.Features.Engine;
using AutoLynx.Vapi;
using Microsoft.Extensions.Time.Testing;

namespace AutoLynx.Tests.Unit;

public sealed class EngineStateMachineTests
{
    private static readonly CallStateMachine.By Provider = CallStateMachine.By.Provider;
    private static readonly CallStateMachine.By Engine = CallStateMachine.By.Engine;

    [Theory]
    [InlineData(CallStatus.Launching, CallStatus.Queued)]
    [InlineData(CallStatus.Launching, CallStatus.Ringing)]      // the first webhook beat the 201
    [InlineData(CallStatus.Queued, CallStatus.InProgress)]
    [InlineData(CallStatus.Ringing, CallStatus.Ended)]
    [InlineData(CallStatus.InProgress, CallStatus.Failed)]
    [InlineData(CallStatus.Ended, CallStatus.Failed)]           // the end-of-call report corrects the status-update
    [InlineData(CallStatus.Timeout, CallStatus.Ended)]          // a late report is the truth
    [InlineData(CallStatus.Timeout, CallStatus.InProgress)]     // live after all
    public void Provider_MayMove(CallStatus from, CallStatus to) => Assert.True(CallStateMachine.CanMove(from, null, to, Provider));

    [Theory]
    [InlineData(CallStatus.InProgress, CallStatus.Ringing)]     // never back
    [InlineData(CallStatus.Ringing, CallStatus.Queued)]
    [InlineData(CallStatus.Ended, CallStatus.InProgress)]       // an ended call stays ended
    [InlineData(CallStatus.Queued, CallStatus.Launching)]
    [InlineData(CallStatus.Ended, CallStatus.Ended)]
    public void Provider_MayNotMove(CallStatus from, CallStatus to) => Assert.False(CallStateMachine.CanMove(from, null, to, Provider));

    [Fact]
    public void NotPlaced_IsAGuess_TheProviderMayRevive_ACancellationByTheProviderIsNot()
    {
        Assert.True(CallStateMachine.CanMove(CallStatus.Canceled, CallOutcome.NotPlaced, CallStatus.Queued, Provider));
        Assert.True(CallStateMachine.CanMove(CallStatus.Canceled, CallOutcome.NotPlaced, CallStatus.Ended, Provider));
        Assert.False(CallStateMachine.CanMove(CallStatus.Canceled, CallOutcome.Canceled, CallStatus.InProgress, Provider));
        Assert.False(CallStateMachine.CanMove(CallStatus.Failed, CallOutcome.Rejected, CallStatus.Queued, Provider));
    }

    [Theory]
    [InlineData(CallStatus.Launching, CallStatus.Canceled, true)]
    [InlineData(CallStatus.Launching, CallStatus.Failed, true)]
    [InlineData(CallStatus.Launching, CallStatus.Timeout, true)]
    [InlineData(CallStatus.InProgress, CallStatus.Timeout, true)]
    [InlineData(CallStatus.Queued, CallStatus.Canceled, false)]   // only Vapi says a placed call ended
    [InlineData(CallStatus.Ended, CallStatus.Timeout, false)]
    [InlineData(CallStatus.Timeout, CallStatus.Canceled, false)]
    public void Engine_DecidesOnlyWhatItHasNoWordOn(CallStatus from, CallStatus to, bool allowed)
        => Assert.Equal(allowed, CallStateMachine.CanMove(from, null, to, Engine));

    [Fact]
    public void Contact_Moves()
    {
        Assert.Equal([ContactState.Pending], ContactStateMachine.From(ContactStateMachine.Move.Claim));
        Assert.Equal([ContactState.Pending], ContactStateMachine.From(ContactStateMachine.Move.Skip));
        Assert.Equal([ContactState.Dialing], ContactStateMachine.From(ContactStateMachine.Move.GiveBack));
        Assert.Equal(ContactState.Completed, ContactStateMachine.Settled(CallOutcome.NoAnswer));
        Assert.Equal(ContactState.Completed, ContactStateMachine.Settled(CallOutcome.Voicemail));
        Assert.Equal(ContactState.Failed, ContactStateMachine.Settled(CallOutcome.FailedToConnect));
        Assert.Equal(ContactState.Failed, ContactStateMachine.Settled(CallOutcome.Timeout));
        Assert.True(ContactStateMachine.CanMove(ContactState.Skipped, ContactStateMachine.Move.Revive));
    }

    public static TheoryData<string, LaunchFailure> Answers => new()
    {
        { """400 {"message":["Over Concurrency Limit"],"error":"Bad Request","statusCode":400}""", LaunchFailure.ConcurrencyLimit },
        { """400 {"error":"Over Concurrency Limit"}""", LaunchFailure.ConcurrencyLimit },
        { """429 {"message":"Over concurrency limit","statusCode":429}""", LaunchFailure.ConcurrencyLimit },
        { """429 {"message":"Rate limit exceeded","statusCode":429}""", LaunchFailure.RateLimited },
        { """401 {"message":"Invalid Key.","error":"Unauthorized","statusCode":401}""", LaunchFailure.Auth },
        { """403 {"message":"Forbidden","statusCode":403}""", LaunchFailure.Auth },
        { """404 {"message":"Not Found","statusCode":404}""", LaunchFailure.MissingResource },
        { """400 {"message":["Couldn't Get Assistant. `assistantId` x Does Not Exist."],"statusCode":400}""", LaunchFailure.MissingResource },
        { """400 {"message":["customer.number must be a valid phone number in the E.164 format"],"statusCode":400}""", LaunchFailure.Rejected },
        { """500 {"message":"Internal server error","statusCode":500}""", LaunchFailure.Ambiguous },
        { """504 {"message":"Gateway Timeout","statusCode":504}""", LaunchFailure.Ambiguous },
        { """201 null""", LaunchFailure.CreatedUnreadable },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public void Classify_VapiAnswers(string answer, LaunchFailure expected)
    {
        var space = answer.IndexOf(' ');
        var ex = VapiApiException.FromResponse((HttpStatusCode)int.Parse(answer[..space]), answer[(space + 1)..]);
        Assert.Equal(expected, LaunchRefusals.Classify(ex));
    }

    [Fact]
    public void Classify_NetworkAndTimeouts()
    {
        Assert.Equal(LaunchFailure.NotSent, LaunchRefusals.Classify(new HttpRequestException(HttpRequestError.ConnectionError, "refused")));
        Assert.Equal(LaunchFailure.Ambiguous, LaunchRefusals.Classify(new HttpRequestException(HttpRequestError.ResponseEnded, "reset")));
        Assert.Equal(LaunchFailure.Ambiguous, LaunchRefusals.Classify(new TaskCanceledException("timeout", new TimeoutException())));
    }

    [Fact]
    public void ProviderLimits_LearnFromRefusals_ProbeUpSlowly_HoldPostsOn429()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-03T10:00:00Z"));
        var limits = new ProviderLimits(clock);
        Assert.Equal(10, limits.EffectiveAccountCap(10));
        Assert.Equal(1, limits.ReportRefused(activeOthers: 3));
        Assert.Equal(2, limits.ReportRefused(activeOthers: 4)); // the lowest seen holds
        Assert.Equal(3, limits.EffectiveAccountCap(10));
        clock.Advance(ProviderLimits.ProbeEvery);
        Assert.Equal(4, limits.EffectiveAccountCap(10));
        limits.Accepted();
        Assert.Equal(1, limits.ReportRefused(activeOthers: 4));
        clock.Advance(ProviderLimits.ProbeEvery * 20);
        Assert.Equal(10, limits.EffectiveAccountCap(10));

        limits.ReportLimit(6); // subscriptionLimits.concurrencyLimit in a 201
        Assert.Equal(6, limits.EffectiveAccountCap(10));
        limits.ReportRateLimited(TimeSpan.FromSeconds(30));
        Assert.Equal(clock.GetUtcNow().AddSeconds(30), limits.PostsAllowedAt);
    }
}
