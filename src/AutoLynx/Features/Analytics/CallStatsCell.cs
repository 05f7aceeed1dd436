namespace AutoLynx.Features.Analytics;

/// <summary>
/// One cell of the analytics rollup: the calls of one campaign created in one UTC hour on one line, whose contacts were
/// at one local hour of their day, with one outcome. Rebuilt from the calls whenever one of them changes
/// (<see cref="CallStatsRollup"/>); read by every analytics request instead of the calls themselves.
/// </summary>
public sealed class CallStatsCell
{
    public long CampaignId { get; set; }
    /// <summary>Start of the UTC hour the calls were created (placed) in.</summary>
    public DateTime Hour { get; set; }
    public long PhoneLineId { get; set; }
    /// <summary>0–23 in the contact's own time zone at the moment of the call; −1 when the zone is unknown.</summary>
    public int LocalHour { get; set; }
    /// <summary>The <see cref="Calls.CallOutcome"/> name; empty while the call is live.</summary>
    public string Outcome { get; set; } = "";
    /// <summary>Every call row, including those Vapi never accepted.</summary>
    public int Calls { get; set; }
    /// <summary>Calls Vapi accepted: a provider id, and not refused for the account's concurrency limit.</summary>
    public int Dialed { get; set; }
    public decimal Cost { get; set; }
    /// <summary>Calls whose success evaluation could be read (<see cref="SuccessEvaluations"/>), and how many of those succeeded.</summary>
    public int Evaluated { get; set; }
    public int Succeeded { get; set; }
    /// <summary>Answered calls only: whole seconds → count, as "37:2,45:1" (<see cref="CallStatsCodec"/>).</summary>
    public string? Durations { get; set; }
    /// <summary>Dialed calls by Vapi's ended reason, as "customer-busy:3,voicemail:1".</summary>
    public string? Reasons { get; set; }
}
