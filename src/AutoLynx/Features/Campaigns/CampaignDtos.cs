using AutoLynx.Features.Calls;
using AutoLynx.Features.Contacts;

namespace AutoLynx.Features.Campaigns;

public sealed record CampaignCounters(
    int Total, int Pending, int Active, int Completed, int Failed, int Skipped,
    IReadOnlyDictionary<string, int> ByCallStatus, IReadOnlyDictionary<string, int> ByOutcome,
    int CallsPlaced, decimal Cost, double Progress);

public sealed record CampaignSummary(
    long Id, string Name, CampaignStatus Status, string? StatusReason, DialMode Mode, int Cap, bool LineQuietGating,
    long AssistantId, string? AssistantName, long PhoneLineId, string? PhoneLineName, string? PhoneLineNumber,
    DateTime CreatedAt, DateTime? QueuedAt, DateTime? StartedAt, DateTime? RunningAt, DateTime? PausedAt,
    DateTime? StoppedAt, DateTime? CompletedAt, DateTime? FailedAt, CampaignCounters Counters,
    IReadOnlyList<BatchProgress>? Batches, AutoLynx.Features.PhoneLines.LineHealthSummary? LineHealth = null);

/// <summary>Strict batch mode: one batch's contacts. Terminal = called, failed or skipped; active = being dialled now.</summary>
public sealed record BatchProgress(int Index, int Total, int Terminal, int Active, int Pending);

public sealed record CreateCampaignResult(long CampaignId, ImportReport ImportReport);

public sealed record ContactView(
    long Id, int RowNumber, string Name, string BusinessName, string Phone, ContactState State, int Attempts,
    int BatchIndex, CallOutcome? LastOutcome, string? LastEndedReason, IReadOnlyDictionary<string, string>? Extra);

public sealed record CallView(
    long Id, long ContactId, long CampaignId, int AttemptNumber, CallStatus Status, CallOutcome? Outcome, string? EndedReason,
    string? ErrorMessage, string? ProviderCallId, DateTime CreatedAt, DateTime? LaunchedAt, DateTime? StartedAt,
    DateTime? EndedAt, DateTime? LastEventAt, double? DurationSeconds, decimal? Cost, string? RecordingUrl,
    string? Summary, string? SuccessEvaluation, string? Transcript);

public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

public sealed record CampaignListItem(long Id, string Name, CampaignStatus Status, DialMode Mode, int Cap, int TotalContacts,
    DateTime CreatedAt, DateTime? StartedAt, DateTime? CompletedAt);

/// <summary>One entry of a call's timeline; <c>note</c> is the engine's own words (webhook bodies are not repeated here).</summary>
public sealed record CallEventView(long Id, string Type, string? Status, DateTime At, string? Note);

/// <summary>A campaign named in another feature's answer (e.g. why an assistant cannot be deleted).</summary>
public sealed record CampaignRef(long Id, string Name, CampaignStatus Status);
