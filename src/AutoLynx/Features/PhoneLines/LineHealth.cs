namespace AutoLynx.Features.PhoneLines;

/// <summary><c>GET /api/phone-lines/{id}/health</c>: how the line is doing now, and why.</summary>
/// <param name="ActiveCalls">Our live calls on the line.</param>
/// <param name="ProviderActiveCalls">Vapi's live calls on the line, whoever placed them (null when Vapi could not be asked), read at <paramref name="ProviderCheckedAt"/>.</param>
/// <param name="CallsToday">Calls Vapi accepted on the line since <paramref name="TodayStartsAt"/> (midnight UTC).</param>
/// <param name="WindowCalls">Ended calls the rates are taken over (at most <see cref="PhoneLineHealthOptions.WindowCalls"/>).</param>
public sealed record LineHealth(
    long PhoneLineId, string Name, string Number, string? ProviderStatus,
    LineHealthStatus Status, string Rule,
    int ActiveCalls, int? ProviderActiveCalls, DateTime? ProviderCheckedAt,
    int CallsToday, DateTime TodayStartsAt,
    int WindowCalls, double? AnswerRate, double? FailureRate, double? ShortCallRate,
    int BaselineCalls, double? BaselineAnswerRate, bool PossibleSpamLabel, string? Advice,
    LineError? LastError);

/// <summary>The line's most recent failure: a failed call (with Vapi's reason or our message), or a failed sync with Vapi.</summary>
public sealed record LineError(DateTime At, string? Outcome, string? EndedReason, string? Message);
