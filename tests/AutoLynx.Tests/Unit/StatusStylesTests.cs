using AutoLynx.Components.Shared;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Campaigns;
using AutoLynx.Features.Contacts;
using AutoLynx.Wire;
using MudBlazor;

namespace AutoLynx.Tests.Unit;

/// <summary>The words and colours a contact, a call and an evaluation get: what happened, one meaning per colour.</summary>
public sealed class StatusStylesTests
{
    [Theory]
    [InlineData(ContactState.Completed, CallOutcome.NoAnswer, null, CampaignStatus.Completed, "No answer", "warning")]
    [InlineData(ContactState.Completed, CallOutcome.Busy, null, CampaignStatus.Running, "Busy", "warning")]
    [InlineData(ContactState.Completed, CallOutcome.Voicemail, null, CampaignStatus.Running, "Voicemail", "warning")]
    [InlineData(ContactState.Completed, CallOutcome.Talked, null, CampaignStatus.Completed, "Talked", "success")]
    [InlineData(ContactState.Failed, CallOutcome.FailedToConnect, null, CampaignStatus.Completed, "Failed: carrier refused", "error")]
    [InlineData(ContactState.Failed, CallOutcome.Canceled, null, CampaignStatus.Stopped, "Cancelled", "default")]
    [InlineData(ContactState.Dialing, null, CallStatus.InProgress, CampaignStatus.Running, "In call", "info")]
    [InlineData(ContactState.Dialing, null, CallStatus.Ringing, CampaignStatus.Running, "Ringing", "info")]
    [InlineData(ContactState.Dialing, null, CallStatus.Launching, CampaignStatus.Dialing, "Calling", "info")]
    [InlineData(ContactState.Pending, null, null, CampaignStatus.Stopped, "Not called: campaign stopped", "default")]
    [InlineData(ContactState.Skipped, null, null, CampaignStatus.Stopped, "Not called: campaign stopped", "default")]
    [InlineData(ContactState.Pending, null, null, CampaignStatus.Running, "Waiting", "default")]
    [InlineData(ContactState.Skipped, null, null, CampaignStatus.Completed, "Not called", "default")]
    public void ContactLook_StateOutcomeLiveCallAndCampaign_SayWhatHappened(ContactState state, CallOutcome? outcome, CallStatus? live,
        CampaignStatus campaign, string label, string colour)
    {
        var look = StatusStyles.ContactLook(state, outcome, outcome is null ? null : "raw-reason", live, campaign);
        Assert.Equal(label, look.Label);
        Assert.Equal(colour, look.Color.ToString().ToLowerInvariant());
        if (outcome is not null) Assert.Equal("raw-reason", look.Hint);
    }

    [Fact]
    public void ContactLook_WaitingForRetry_SaysSoWithTheLastOutcome()
    {
        var look = StatusStyles.ContactLook(ContactState.Pending, CallOutcome.NoAnswer, "customer-did-not-answer", null, CampaignStatus.Running, attempts: 1);
        Assert.Equal("Waiting to retry (no answer)", look.Label);
        Assert.Equal("customer-did-not-answer", look.Hint);
    }

    [Theory]
    [InlineData(ContactState.Skipped, ContactReason.CampaignStopped, "Not called: campaign stopped", "not-called-stopped")]
    [InlineData(ContactState.Pending, ContactReason.AccountBusy, "Waiting: account at its call limit", "waiting-account-busy")]
    [InlineData(ContactState.Pending, ContactReason.RateLimited, "Waiting: Vapi asked to slow down", "waiting-rate-limited")]
    [InlineData(ContactState.Pending, ContactReason.CampaignPaused, "Waiting: campaign paused", "waiting-campaign-paused")]
    [InlineData(ContactState.Pending, ContactReason.OutsideCallingHours, "Waiting: outside calling hours", "waiting-outside-calling-hours")]
    [InlineData(ContactState.Pending, ContactReason.RetryScheduled, "Waiting: retry scheduled", "waiting-retry-scheduled")]
    [InlineData(ContactState.Pending, ContactReason.CallbackRequested, "Waiting: callback requested", "waiting-callback-requested")]
    [InlineData(ContactState.Pending, ContactReason.DailyLimit, "Waiting: daily call limit for the number", "waiting-daily-limit")]
    [InlineData(ContactState.Skipped, ContactReason.DoNotCall, "Not called: on the do-not-call list", "not-called-do-not-call")]
    [InlineData(ContactState.Skipped, ContactReason.NoConsent, "Not called: no consent", "not-called-no-consent")]
    public void ContactLook_EngineReason_SaysWhyInWordsWithTheWireNameOnHover(ContactState state, ContactReason reason, string label, string key)
    {
        var next = new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);
        // The campaign's status alone would say "Waiting": the words come from the contact's own reason.
        var look = StatusStyles.ContactLook(state, null, null, null, CampaignStatus.Running, 0, reason, state == ContactState.Pending ? next : null);
        Assert.Equal((label, key, Color.Default), (look.Label, look.Key, look.Color));
        Assert.Contains(WireNames.Kind(reason), look.Hint);
        if (state == ContactState.Pending) Assert.Contains(next.ToLocalTime().ToString("yyyy-MM-dd HH:mm"), look.Hint);
    }

    [Fact]
    public void Outcome_EveryOutcome_ColourMatchesItsMeaning()
    {
        foreach (var o in Enum.GetValues<CallOutcome>())
        {
            var (label, color) = StatusStyles.Outcome(o);
            Assert.False(string.IsNullOrWhiteSpace(label));
            Assert.DoesNotContain('-', label); // words, not wire names
            var expected = CallOutcomes.IsConnected(o) ? Color.Success
                : o is CallOutcome.NoAnswer or CallOutcome.Busy or CallOutcome.Voicemail ? Color.Warning
                : label.StartsWith("Failed", StringComparison.Ordinal) || o is CallOutcome.Rejected or CallOutcome.Timeout ? Color.Error
                : Color.Default;
            Assert.True(expected == color, $"{o} is {color}, its meaning is {expected}");
        }
    }

    [Fact]
    public void Call_Ended_IsNeutral_ItsOutcomeCarriesTheColour()
    {
        Assert.Equal(Color.Default, StatusStyles.Call(CallStatus.Ended).Item2);
        var look = StatusStyles.CallLook(CallStatus.Ended, CallOutcome.NoAnswer, "customer-did-not-answer");
        Assert.Equal(("No answer", Color.Warning, "customer-did-not-answer"), (look.Label, look.Color, look.Hint));
        Assert.Equal("In call", StatusStyles.CallLook(CallStatus.InProgress, null, null).Label);
    }

    [Theory]
    [InlineData("true", "Goal met")]
    [InlineData("false", "Goal not met")]
    [InlineData("8", "Evaluation: 8")]
    [InlineData(null, "Not evaluated")]
    public void Success_VapiEvaluation_InWords(string? evaluation, string words)
        => Assert.Equal(words, StatusStyles.Success(evaluation).Label);
}
