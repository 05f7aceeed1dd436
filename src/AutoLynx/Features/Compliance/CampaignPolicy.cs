namespace AutoLynx.Features.Compliance;

/// <summary>
/// Who may be called, when and how often, stored with the campaign (as JSON) and returned by the API. Enforced where
/// contacts are claimed (<see cref="ClaimGuard"/>) and where calls settle (retries).
/// </summary>
public sealed record CampaignPolicy
{
    /// <summary>Days and hours in each contact's local time; null = any time (still inside legal hours where enforced).</summary>
    public CallingWindow? CallingWindow { get; init; }
    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;
    /// <summary>Calls Vapi placed to one number in any 24 hours, over every campaign.</summary>
    public int MaxCallsPerNumberPer24h { get; init; } = 3;
    /// <summary>The number pool; empty = the campaign's own line only.</summary>
    public long[] PhoneLineIds { get; init; } = [];
    /// <summary>Prefer a line in the contact's country and area code.</summary>
    public bool LocalPresence { get; init; }
    /// <summary>Call starts per second for this campaign (each line and the account have their own limits too).</summary>
    public double? CallStartsPerSecond { get; init; }
    /// <summary>No new calls once spent plus the live calls' expected cost reaches it (USD).</summary>
    public decimal? SpendCap { get; init; }
    /// <summary>The campaign starts itself then (it must be created, not started by hand).</summary>
    public DateTime? StartAt { get; init; }
    /// <summary>No new calls after it; contacts left are reported as not reached.</summary>
    public DateTime? EndAt { get; init; }
    /// <summary>Only contacts whose <c>consent</c> column is filled are called.</summary>
    public bool RequireConsent { get; init; }

    public static readonly CampaignPolicy Default = new();
}

/// <summary>Days of the week and from/to, in the contact's local time (<c>"09:00"</c>–<c>"20:00"</c>; to is exclusive).</summary>
public sealed record CallingWindow(string[] Days, string From, string To)
{
    public static readonly CallingWindow Weekdays9To8 = new(["mon", "tue", "wed", "thu", "fri"], "09:00", "20:00");
}

/// <summary>Which outcomes are tried again, after which delays (the last repeats), up to how many attempts in all.</summary>
public sealed record RetryPolicy(string[] Outcomes, string[] Delays, int MaxAttempts)
{
    public static readonly RetryPolicy Default = new(["busy", "no-answer", "voicemail", "provider-fault"], ["00:30:00", "02:00:00"], 3);
    public static readonly RetryPolicy None = new([], [], 1);
}
