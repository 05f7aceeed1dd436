using AutoLynx.Features.Calls;
using AutoLynx.Features.Compliance;
using AutoLynx.Features.Contacts;

namespace AutoLynx.Features.Campaigns;

/// <summary>
/// A campaign's figures. Contacts by state (total … skipped), and the contacts whose calls are over by what their
/// last call amounted to: <c>Talked</c> (a person answered: talked or was transferred), <c>NotReached</c> (no answer,
/// busy or voicemail, also given one by one), <c>HungUp</c> (their call was cancelled, e.g. hung up at Stop; they are
/// among <c>Failed</c>). <c>ByCallStatus</c> and <c>ByOutcome</c> count calls, not contacts.
/// </summary>
public sealed record CampaignCounters(
    int Total, int Pending, int Active, int Completed, int Failed, int Skipped,
    IReadOnlyDictionary<string, int> ByCallStatus, IReadOnlyDictionary<string, int> ByOutcome,
    int CallsPlaced, decimal Cost, double Progress,
    int Talked = 0, int NotReached = 0, int NoAnswer = 0, int Busy = 0, int Voicemail = 0, int HungUp = 0);

/// <summary>What the campaign list shows of a campaign: contacts done in percent, and calls live now.</summary>
public sealed record CampaignProgress(double Progress, int Active);

public sealed record CampaignSummary(
    long Id, string Name, CampaignStatus Status, string? StatusReason, DialMode Mode, int Cap, bool LineQuietGating,
    long AssistantId, string? AssistantName, long PhoneLineId, string? PhoneLineName, string? PhoneLineNumber,
    DateTime CreatedAt, DateTime? QueuedAt, DateTime? StartedAt, DateTime? RunningAt, DateTime? PausedAt,
    DateTime? StoppedAt, DateTime? CompletedAt, CampaignCounters Counters,
    IReadOnlyList<BatchProgress>? Batches, CampaignPolicy? Policy = null, CampaignWaiting? Waiting = null,
    AutoLynx.Features.PhoneLines.LineHealthSummary? LineHealth = null, WebhookFreshnessReport? Webhooks = null);

/// <summary>Why a campaign with contacts left places no call right now, and until when: it never just looks stuck.</summary>
public sealed record CampaignWaiting(ContactReason Reason, DateTime? Until, string Message);

/// <summary>Strict batch mode: one batch's contacts. Terminal = called, failed or skipped; active = being dialled now.</summary>
public sealed record BatchProgress(int Index, int Total, int Terminal, int Active, int Pending);

public sealed record CreateCampaignResult(long CampaignId, ImportReport ImportReport);

/// <param name="LiveCallStatus">The status of the contact's live call, while it has one (ringing, in progress…).</param>
public sealed record ContactView(
    long Id, int RowNumber, string Name, string BusinessName, string Phone, ContactState State, int Attempts,
    int BatchIndex, CallOutcome? LastOutcome, string? LastEndedReason, IReadOnlyDictionary<string, string>? Extra,
    ContactReason? Reason = null, DateTime? NextAttemptAt = null, string? Extension = null, string? PhoneSource = null, CallStatus? LiveCallStatus = null)
{
    /// <summary>Why a contact that is still to be called waits (its hours, a retry, a callback…); null otherwise.</summary>
    public ContactReason? WaitingReason => State == ContactState.Pending ? Reason : null;
}

public sealed record CallView(
    long Id, long ContactId, long CampaignId, int AttemptNumber, CallStatus Status, CallOutcome? Outcome, string? EndedReason,
    string? ErrorMessage, string? ProviderCallId, DateTime CreatedAt, DateTime? LaunchedAt, DateTime? StartedAt,
    DateTime? EndedAt, DateTime? LastEventAt, double? DurationSeconds, decimal? Cost, string? RecordingUrl,
    string? Summary, string? SuccessEvaluation, string? Transcript);

/// <summary>A call in progress now, with whom: the campaign page's live list.</summary>
public sealed record LiveCallView(long Id, long ContactId, string Name, string Phone, CallStatus Status, int AttemptNumber,
    DateTime CreatedAt, DateTime? StartedAt);

public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

public sealed record CampaignListItem(long Id, string Name, CampaignStatus Status, DialMode Mode, int Cap, int TotalContacts,
    DateTime CreatedAt, DateTime? StartedAt, DateTime? CompletedAt);

/// <summary>One entry of a call's timeline; <c>note</c> is the engine's own words (webhook bodies are not repeated here).</summary>
public sealed record CallEventView(long Id, string Type, string? Status, DateTime At, string? Note);

/// <summary>A campaign named in another feature's answer (e.g. why an assistant cannot be deleted).</summary>
public sealed record CampaignRef(long Id, string Name, CampaignStatus Status);
