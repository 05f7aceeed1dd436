namespace AutoLynx.Features.Analytics;

/// <summary>
/// The measures every analytics answer gives, for everything it covers and per assistant. Rates are fractions (0–1),
/// null where there is nothing to divide by; durations are seconds; costs are US dollars.
/// </summary>
public class AnalyticsMeasures
{
    /// <summary>Every call attempt recorded, including those Vapi never accepted.</summary>
    public long Calls { get; init; }
    /// <summary>Calls Vapi accepted (it gave an id, and did not refuse them for the account's concurrency limit).</summary>
    public long Dialed { get; init; }
    /// <summary>Dialed calls not ended yet.</summary>
    public long Live { get; init; }
    /// <summary>A person answered: talked or was transferred. Voicemail does not count.</summary>
    public long Connected { get; init; }
    /// <summary>Connected ÷ dialed calls that have ended.</summary>
    public double? ConnectRate { get; init; }
    /// <summary>Calls with a success evaluation that could be read, and the share of them that succeeded.</summary>
    public long Evaluated { get; init; }
    public double? SuccessRate { get; init; }
    /// <summary>Length of connected calls, nearest-rank percentiles in whole seconds.</summary>
    public double? DurationP50 { get; init; }
    public double? DurationP90 { get; init; }
    public decimal TotalCost { get; init; }
    /// <summary>Total cost ÷ dialed calls.</summary>
    public decimal? CostPerCall { get; init; }
    /// <summary>Total cost ÷ connected calls.</summary>
    public decimal? CostPerConnected { get; init; }
}

/// <summary>An analytics answer: totals, breakdowns and series for a range and filters.</summary>
public sealed class AnalyticsReport : AnalyticsMeasures
{
    public DateTime? From { get; init; }
    public DateTime? To { get; init; }
    /// <summary>Call attempts by outcome (kebab-case, e.g. <c>no-answer</c>).</summary>
    public IReadOnlyDictionary<string, long> ByOutcome { get; init; } = new Dictionary<string, long>();
    /// <summary>Dialed calls by Vapi's ended reason.</summary>
    public IReadOnlyDictionary<string, long> ByEndedReason { get; init; } = new Dictionary<string, long>();
    /// <summary>Dialed and connected calls per UTC hour / day with any call (hours and days without calls are left out).</summary>
    public IReadOnlyList<TimePoint> PerHour { get; init; } = [];
    public IReadOnlyList<TimePoint> PerDay { get; init; } = [];
    /// <summary>Answer rate by hour of the contact's own day (0–23); <see cref="UnknownTimeZone"/> dialed calls had no known zone.</summary>
    public IReadOnlyList<LocalHourPoint> AnswerRateByLocalHour { get; init; } = [];
    public long UnknownTimeZone { get; init; }
    /// <summary>The same measures per assistant, side by side, most dialed first.</summary>
    public IReadOnlyList<AssistantFigures> ByAssistant { get; init; } = [];
    /// <summary>False while call changes wait to be folded into the figures (right after an upgrade over a long history).</summary>
    public bool UpToDate { get; init; } = true;
}

public sealed class AssistantFigures : AnalyticsMeasures
{
    public long AssistantId { get; init; }
    public string? Name { get; init; }
}

public sealed record TimePoint(DateTime At, long Dialed, long Connected);

/// <summary>Dialed calls that ended at this hour of the contacts' day, how many were answered, and the rate.</summary>
public sealed record LocalHourPoint(int Hour, long Dialed, long Connected, double? AnswerRate);

public sealed record AnalyticsChoice(long Id, string Name);

/// <summary>What the Analytics page offers in its filters (the newest 500 campaigns).</summary>
public sealed record AnalyticsChoices(IReadOnlyList<AnalyticsChoice> Campaigns, IReadOnlyList<AnalyticsChoice> Assistants, IReadOnlyList<AnalyticsChoice> Lines);
