using AutoLynx.Hosting;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Compliance;

/// <summary>
/// What applies when a campaign says nothing: with a real Vapi account, <c>Compliance:DefaultCallingWindow</c> and the
/// legal hours; in demo mode, any time (so the demo works at 3 a.m.; the pages say so), with delays and pacing
/// compressed by the simulator's time scale like the calls themselves.
/// </summary>
public sealed class ComplianceDefaults(IOptionsMonitor<ComplianceOptions> options, VapiConnection connection, IConfiguration config)
{
    public bool Demo => connection.Simulated;

    /// <summary>1 with a real account; the simulator's time scale in demo mode (0.02: a minute lasts 1.2 s).</summary>
    public double TimeScale => Demo ? Math.Clamp(config.GetValue("Simulator:TimeScale", 0.02), 0.0001, 1) : 1;

    /// <summary>
    /// How long an end-of-call report is waited for after its call ended (completion, spend cap): compressed in demo
    /// mode, but never below 5 s, since delivery and processing take real time.
    /// </summary>
    public TimeSpan ReportGrace(TimeSpan configured) => TimeSpan.FromTicks(Math.Max((long)(configured.Ticks * TimeScale), TimeSpan.FromSeconds(5).Ticks));

    /// <summary>
    /// When a contact whose number is live in another campaign is looked at again: a minute, compressed in demo mode like
    /// the calls themselves (never below a second).
    /// </summary>
    public TimeSpan LiveElsewhereRecheck => TimeSpan.FromTicks(Math.Max((long)(TimeSpan.FromMinutes(1).Ticks * TimeScale), TimeSpan.TicksPerSecond));

    public bool EnforceLegalHours => options.CurrentValue.EnforceLegalHours ?? !Demo;

    public CallingWindow? DefaultWindow => Demo ? null : options.CurrentValue.DefaultCallingWindow.ToWindow();

    /// <summary>The policy a new campaign starts from, before the fields it was given.</summary>
    public CampaignPolicy NewCampaignPolicy() => CampaignPolicy.Default with
    {
        CallingWindow = DefaultWindow, Retry = options.CurrentValue.DefaultRetry.ToPolicy(),
    };
}
