using System.Globalization;

namespace AutoLynx.Features.Analytics;

/// <summary>
/// Reads Vapi's <c>analysis.successEvaluation</c> (a string whose shape depends on the assistant's rubric) as success,
/// failure, or "cannot tell". PassFail: true/false. NumericScale (1–10): 7 or more. PercentageScale (0–100 or "85%"):
/// 70 or more. DescriptiveScale: Excellent/Good vs Fair/Poor. LikertScale: (Strongly) Agree vs Neutral/(Strongly)
/// Disagree. LetterGrade: A/B vs C/D/F. Anything else (a checklist, a matrix, free text) cannot tell and is left out
/// of the success rate.
/// </summary>
public static class SuccessEvaluations
{
    public static bool? IsSuccess(string? evaluation)
    {
        if (string.IsNullOrWhiteSpace(evaluation)) return null;
        var v = evaluation.Trim().Trim('"').Trim().ToLowerInvariant();
        switch (v)
        {
            case "true" or "pass" or "passed" or "yes" or "success" or "successful": return true;
            case "false" or "fail" or "failed" or "no" or "unsuccessful": return false;
            case "excellent" or "good" or "strongly agree" or "agree" or "a" or "a+" or "a-" or "b" or "b+" or "b-": return true;
            case "fair" or "poor" or "neutral" or "disagree" or "strongly disagree" or "c" or "c+" or "c-" or "d" or "d+" or "d-" or "f": return false;
        }
        var percent = v.EndsWith('%');
        if (!double.TryParse(percent ? v[..^1] : v, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n < 0) return null;
        if (percent || n > 10) return n <= 100 ? n >= 70 : null;
        return n >= 7;
    }
}
