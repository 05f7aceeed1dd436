using System.ComponentModel.DataAnnotations;

namespace AutoLynx.Features.Compliance;

/// <summary>Section "Compliance".</summary>
public sealed class ComplianceOptions
{
    /// <summary>The calling window a campaign gets when none is given, with a real Vapi account. Demo mode: any time.</summary>
    public CallingWindowSetting DefaultCallingWindow { get; set; } = new();

    /// <summary>Also keep every call inside the legal hours of <c>Data/calling-hours.json</c>; default on, off in demo mode.</summary>
    public bool? EnforceLegalHours { get; set; }

    /// <summary>The retry policy a campaign gets when none is given.</summary>
    public RetrySetting DefaultRetry { get; set; } = new();

    /// <summary>Where a number's time zone cannot be told at all, its hours are judged in this zone.</summary>
    [Required] public string FallbackTimeZone { get; set; } = "America/New_York";
}

/// <summary>Configuration form of a calling window: <c>Days</c> ("mon,tue,wed,thu,fri", or "any" for any time), <c>From</c>, <c>To</c>.</summary>
public sealed class CallingWindowSetting
{
    public string Days { get; set; } = "mon,tue,wed,thu,fri";
    public string From { get; set; } = "09:00";
    public string To { get; set; } = "20:00";

    public CallingWindow? ToWindow() => Days.Trim().Equals("any", StringComparison.OrdinalIgnoreCase) ? null
        : new(Days.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), From, To);
}

/// <summary>Configuration form of the default retry policy: <c>Outcomes</c> and <c>Delays</c> comma-separated, <c>MaxAttempts</c>.</summary>
public sealed class RetrySetting
{
    public string Outcomes { get; set; } = string.Join(",", RetryPolicy.Default.Outcomes);
    public string Delays { get; set; } = string.Join(",", RetryPolicy.Default.Delays);
    [Range(1, 10)] public int MaxAttempts { get; set; } = RetryPolicy.Default.MaxAttempts;

    public RetryPolicy ToPolicy() => new(Split(Outcomes), Split(Delays), MaxAttempts);

    private static string[] Split(string s) => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
