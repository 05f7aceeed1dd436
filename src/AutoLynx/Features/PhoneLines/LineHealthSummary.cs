namespace AutoLynx.Features.PhoneLines;

/// <summary>
/// A line's health as a campaign names it (<c>lineHealth</c> in <c>GET /api/campaigns/{id}</c>, and the campaign page):
/// the status, the rule that set it, and, when something is wrong, one sentence for people that names the line.
/// </summary>
public sealed record LineHealthSummary(long PhoneLineId, string Name, string Number, LineHealthStatus Status, string Rule, bool PossibleSpamLabel, string? Message)
{
    public static LineHealthSummary Of(LineHealth h) => new(h.PhoneLineId, h.Name, h.Number, h.Status, h.Rule, h.PossibleSpamLabel, MessageOf(h));

    private static string? MessageOf(LineHealth h) => h switch
    {
        { Status: LineHealthStatus.Failing } =>
            $"Phone line {h.Name} ({h.Number}) is failing: {h.Rule} Calls placed on it now are likely to fail too; pause the campaign until the line recovers.",
        { PossibleSpamLabel: true } => $"Phone line {h.Name} ({h.Number}) may be labelled as spam: {h.Rule} {h.Advice}",
        { Status: LineHealthStatus.Degraded } => $"Phone line {h.Name} ({h.Number}) is degraded: {h.Rule}",
        _ => null,
    };
}
