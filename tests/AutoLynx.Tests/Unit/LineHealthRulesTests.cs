using AutoLynx.Features.Calls;
using AutoLynx.Features.PhoneLines;

namespace AutoLynx.Tests.Unit;

/// <summary>The health rules against scripted call histories (newest first), with the default thresholds.</summary>
public sealed class LineHealthRulesTests
{
    private static readonly PhoneLineHealthOptions Options = new();
    private static readonly DateTime T = new(2026, 11, 1, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>"T60 N F" = talked 60 s, no answer, failed to connect… newest first.</summary>
    private static List<LineCall> Script(string script) => script.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select((s, i) =>
    {
        var (outcome, seconds) = s[0] switch
        {
            'T' => (CallOutcome.Talked, double.Parse(s[1..])),
            'W' => (CallOutcome.Forwarded, double.Parse(s[1..])),
            'N' => (CallOutcome.NoAnswer, (double?)null),
            'B' => (CallOutcome.Busy, null),
            'V' => (CallOutcome.Voicemail, 20),
            'F' => (CallOutcome.FailedToConnect, null),
            'P' => (CallOutcome.ProviderFault, null),
            'X' => (CallOutcome.Canceled, null),
            'C' => (CallOutcome.ConcurrencyLimited, null),
            _ => throw new ArgumentException(s),
        };
        return new LineCall(T.AddMinutes(-i), outcome, seconds, null, null);
    }).ToList();

    private static string Repeat(string unit, int times) => string.Join(' ', Enumerable.Repeat(unit, times));

    [Fact]
    public void Evaluate_NoCalls_HealthyAndSaysWhy()
    {
        var v = LineHealthRules.Evaluate([], "active", Options);
        Assert.Equal(LineHealthStatus.Healthy, v.Status);
        Assert.Equal("Only 0 ended calls so far; no rule applies yet.", v.Rule);
        Assert.Null(v.AnswerRate);
        Assert.False(v.PossibleSpamLabel);
    }

    [Fact]
    public void Evaluate_SteadyMix_HealthyWithRates()
    {
        var v = LineHealthRules.Evaluate(Script(Repeat("T60 N B T90 V", 20)), "active", Options);
        Assert.Equal(LineHealthStatus.Healthy, v.Status);
        Assert.Equal(50, v.WindowCalls);
        Assert.Equal(0.4, v.AnswerRate);
        Assert.Equal(0, v.FailureRate);
        Assert.Equal(0, v.ShortCallRate);
        Assert.Equal(50, v.BaselineCalls);
        Assert.Equal(0.4, v.BaselineAnswerRate);
        Assert.Equal("0 of the last 50 calls failed; the answer rate holds.", v.Rule);
    }

    [Fact]
    public void Evaluate_LastFiveFailed_FailingEvenWithAGoodHistory()
    {
        var v = LineHealthRules.Evaluate(Script("F P F F F " + Repeat("T60 N", 40)), "active", Options);
        Assert.Equal(LineHealthStatus.Failing, v.Status);
        Assert.Equal("The last 5 calls all failed.", v.Rule);
    }

    [Fact]
    public void Evaluate_CancelledAndAccountLimitedCalls_AreLeftOut()
    {
        // Four failures with cancelled and concurrency-limited calls between them: not a streak of 5, and not counted.
        var v = LineHealthRules.Evaluate(Script("F X F C F F T60 " + Repeat("T60 N", 10)), "active", Options);
        Assert.NotEqual(LineHealthStatus.Failing, v.Status);
        Assert.Equal(25, v.WindowCalls);
    }

    [Fact]
    public void Evaluate_HalfTheWindowFailed_FailingWithTheRate()
    {
        var v = LineHealthRules.Evaluate(Script(Repeat("T60 F", 25)), "active", Options);
        Assert.Equal(LineHealthStatus.Failing, v.Status);
        Assert.Equal("50 % of the last 50 calls failed (failing from 50 %).", v.Rule);
        Assert.Equal(0.5, v.FailureRate);
    }

    [Fact]
    public void Evaluate_AFifthFailed_Degraded()
    {
        var v = LineHealthRules.Evaluate(Script(Repeat("T60 N B T60 F", 10)), "active", Options);
        Assert.Equal(LineHealthStatus.Degraded, v.Status);
        Assert.Equal("20 % of the last 50 calls failed (degraded from 20 %).", v.Rule);
        Assert.False(v.PossibleSpamLabel);
    }

    [Fact]
    public void Evaluate_AnswerRateFellAgainstOwnBaseline_DegradedPossibleSpamWithAdvice()
    {
        // Last 50: 1 in 5 answered (0.2); the 200 before: 1 in 2 (0.5). 0.2 ≤ 0.5 × 0.6.
        var v = LineHealthRules.Evaluate(Script(Repeat("T60 N N N N", 10) + " " + Repeat("T60 N", 100)), "active", Options);
        Assert.Equal(LineHealthStatus.Degraded, v.Status);
        Assert.True(v.PossibleSpamLabel);
        Assert.Equal(0.2, v.AnswerRate);
        Assert.Equal(0.5, v.BaselineAnswerRate);
        Assert.Equal(200, v.BaselineCalls);
        Assert.Equal("The answer rate fell to 20 % over the last 50 calls, from 50 % over the 200 before: possible spam label.", v.Rule);
        Assert.Contains("Free Caller Registry", v.Advice);
        Assert.Contains("rest it", v.Advice);
    }

    [Fact]
    public void Evaluate_AnswerRateFellALittle_StaysHealthy()
    {
        // 0.4 against a baseline of 0.5: a fall of a fifth, under the 40 % that flags a label.
        var v = LineHealthRules.Evaluate(Script(Repeat("T60 N T60 N N", 10) + " " + Repeat("T60 N", 100)), "active", Options);
        Assert.Equal(LineHealthStatus.Healthy, v.Status);
        Assert.False(v.PossibleSpamLabel);
    }

    [Fact]
    public void Evaluate_AnsweredCallsEndWithinSeconds_DegradedPossibleSpam()
    {
        var v = LineHealthRules.Evaluate(Script(Repeat("T3 T4 T60 N", 5)), "active", Options);
        Assert.Equal(LineHealthStatus.Degraded, v.Status);
        Assert.True(v.PossibleSpamLabel);
        Assert.Equal(0.6667, v.ShortCallRate);
        Assert.Equal("66.7 % of the last 15 answered calls ended within 10 s: people hang up at once, possible spam label.", v.Rule);
    }

    [Theory]
    [InlineData("blocked", LineHealthStatus.Failing, "Vapi reports the number as blocked.")]
    [InlineData("activating", LineHealthStatus.Degraded, "Vapi reports the number as activating.")]
    public void Evaluate_ProviderStatus_SetsTheStatus(string status, LineHealthStatus expected, string rule)
    {
        var v = LineHealthRules.Evaluate(Script(Repeat("T60 N", 10)), status, Options);
        Assert.Equal(expected, v.Status);
        Assert.Equal(rule, v.Rule);
    }
}
