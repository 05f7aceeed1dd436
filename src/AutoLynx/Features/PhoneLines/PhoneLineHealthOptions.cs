using System.ComponentModel.DataAnnotations;

namespace AutoLynx.Features.PhoneLines;

/// <summary>Section "PhoneLines:Health": the thresholds of <see cref="LineHealthRules"/>.</summary>
public sealed class PhoneLineHealthOptions
{
    /// <summary>The recent calls the rates are taken over (ended calls; live ones are not judged yet).</summary>
    [Range(5, 10_000)] public int WindowCalls { get; set; } = 50;
    /// <summary>Ended calls before the window that make the line's own baseline answer rate.</summary>
    [Range(10, 100_000)] public int BaselineCalls { get; set; } = 200;
    /// <summary>Fewer calls than this in the window (or baseline) and a rate is not judged.</summary>
    [Range(1, 1_000)] public int MinCalls { get; set; } = 10;
    /// <summary>Failing when at least this share of the window failed, or the last <see cref="FailingStreak"/> calls all failed.</summary>
    [Range(0.01, 1)] public double FailingFailureRate { get; set; } = 0.5;
    [Range(1, 1_000)] public int FailingStreak { get; set; } = 5;
    /// <summary>Degraded from this share of failures.</summary>
    [Range(0.01, 1)] public double DegradedFailureRate { get; set; } = 0.2;
    /// <summary>An answered call that ends sooner than this is a short call (the person hung up at once).</summary>
    [Range(1, 600)] public int ShortCallSeconds { get; set; } = 10;
    /// <summary>Degraded (possible spam label) when at least this share of answered calls are short.</summary>
    [Range(0.01, 1)] public double ShortCallRate { get; set; } = 0.3;
    /// <summary>Possible spam label when the answer rate falls to this fraction of the baseline or below (0.6 = a 40 % fall).</summary>
    [Range(0.01, 1)] public double AnswerRateFallRatio { get; set; } = 0.6;
    /// <summary>How long Vapi's count of live calls on a line is reused before asking again.</summary>
    public TimeSpan ProviderCacheFor { get; set; } = TimeSpan.FromSeconds(30);
}
