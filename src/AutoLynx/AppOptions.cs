using System.ComponentModel.DataAnnotations;

namespace AutoLynx;

/// <summary>Section "Vapi". Without an ApiKey the app may run in demo mode against the in-process simulator (see <see cref="Features.Demo.DemoMode"/>).</summary>
public sealed class VapiOptions
{
    public string? BaseUrl { get; set; } = "https://api.vapi.ai";
    public string? ApiKey { get; set; }
    /// <summary>Expected in X-Vapi-Secret (or as a Bearer token) on every webhook.</summary>
    public string? WebhookSecret { get; set; }
    /// <summary>HMAC-SHA256 secret when Vapi signs webhooks with an HMAC credential.</summary>
    public string? HmacSecret { get; set; }
    /// <summary>The address Vapi calls back (this app's public base URL).</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>A call placed this long ago, after the last accepted webhook, and still live: webhooks are not arriving (readyz, campaign page).</summary>
    public TimeSpan WebhookStaleAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long /readyz trusts its last probe of the Vapi API before asking again.</summary>
    public TimeSpan ProbeEvery { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Per-request timeout of the Vapi client. A timed-out POST /call is ambiguous and resolved by lookup.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The largest webhook body accepted (default 16 MiB); a larger one is refused with 413, and a body is read only after
    /// its credentials were checked. The biggest legitimate one is an end-of-call-report: a 12-hour call (Vapi's longest)
    /// at 150 words a minute, with every copy Vapi may send of its messages and transcript (artifact, call.artifact, the
    /// OpenAI-formatted messages and the older top-level fields), measures 8.1 MiB; at 200 words a minute 10.6 MiB
    /// (tests/AutoLynx.Tests/Infrastructure/LongCallReport.cs).
    /// </summary>
    [Range(MinWebhookBodyBytes, MaxWebhookBodyBytes)]
    public long WebhookMaxBodyBytes { get; set; } = DefaultWebhookMaxBodyBytes;

    public const long DefaultWebhookMaxBodyBytes = 16L * 1024 * 1024;
    private const long MinWebhookBodyBytes = 1024 * 1024;
    private const long MaxWebhookBodyBytes = 256L * 1024 * 1024;
}

/// <summary>Section "Dialer".</summary>
public sealed class DialerOptions
{
    [Range(0.01, 3600)] public double TickSeconds { get; set; } = 60;
    [Range(1, 1000)] public int DefaultCap { get; set; } = 8;
    [Range(1, 10000)] public int AccountCap { get; set; } = 10;
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>Shared secret for POST /api/scheduler/tick (header X-Scheduler-Secret); empty disables the endpoint.</summary>
    public string? TickSecret { get; set; }
    /// <summary>How long the engine lease lasts without renewal; another instance can take over after that.</summary>
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>How often the leader renews its lease (well inside <see cref="LeaseTtl"/>).</summary>
    public TimeSpan LeaseRenewEvery { get; set; } = TimeSpan.FromSeconds(3);
    /// <summary>Immediate wake-ups on call end/start/resume; off only to measure the tick-only design.</summary>
    public bool WakeUps { get; set; } = true;

    /// <summary>A claimed call's one POST is sent within this, or not at all (given back). Bounds when a call can exist.</summary>
    public TimeSpan LaunchDeadline { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>How long after the request timeout Vapi may still finish creating a call: "not found" proves nothing before.</summary>
    public TimeSpan LateCreateGrace { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>A LAUNCHING call whose lookups keep failing (or that Vapi accepted but never shows) becomes TIMEOUT after this.</summary>
    public TimeSpan LookupGiveUpAfter { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>A silent call whose lookups keep failing becomes TIMEOUT this long after <see cref="StuckAfter"/>.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>Silent calls looked up per reconciliation pass.</summary>
    [Range(1, 10000)] public int ReconcileBatch { get; set; } = 200;
    /// <summary>A contact whose calls Vapi never created (proven by lookup) this many times fails instead of waiting again.</summary>
    [Range(1, 100)] public int MaxPlacementTries { get; set; } = 5;
    /// <summary>Concurrency-limit refusals in a row (no call accepted in between) before the campaign is paused with the reason.</summary>
    [Range(1, 10000)] public int RefusalsBeforePause { get; set; } = 20;

    /// <summary>Call starts per second on one phone line (carriers expect about one); scaled by the time scale in demo mode.</summary>
    [Range(0.01, 10000)] public double CallStartsPerSecondPerLine { get; set; } = 1;
    /// <summary>Call starts per second over the whole account.</summary>
    [Range(0.01, 100000)] public double CallStartsPerSecond { get; set; } = 10;
    /// <summary>Slots of the account's concurrency limit kept free for inbound calls.</summary>
    [Range(0, 10000)] public int ReservedInboundSlots { get; set; }
    /// <summary>The failure-spike breaker looks at this many of a campaign's last ended calls…</summary>
    [Range(2, 1000)] public int BreakerWindow { get; set; } = 20;
    /// <summary>…and pauses it when at least this share of them ended in provider, carrier or Vapi faults.</summary>
    [Range(0.01, 1)] public double BreakerThreshold { get; set; } = 0.5;
    /// <summary>What a live call is expected to cost when the campaign has no ended call with a cost yet (spend caps), USD.</summary>
    [Range(0, 100)] public decimal ExpectedCostPerCall { get; set; } = 0.15m;
    /// <summary>
    /// A campaign whose last answered calls ended waits this long for their end-of-call reports before it completes:
    /// a report can ask for a callback. Compressed by the simulator's time scale in demo mode.
    /// </summary>
    public TimeSpan ReportGrace { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Section "Phone".</summary>
public sealed class PhoneOptions
{
    [Required, StringLength(2, MinimumLength = 2)] public string DefaultRegion { get; set; } = "US";
}

/// <summary>Section "Import".</summary>
public sealed class ImportOptions
{
    [Range(1, long.MaxValue)] public long MaxFileBytes { get; set; } = 50L * 1024 * 1024;
    [Range(1, int.MaxValue)] public int MaxRows { get; set; } = 1_000_000;
    /// <summary>Problem rows listed one by one in the JSON report (each list); the counts and the error CSV are always complete.</summary>
    [Range(0, int.MaxValue)] public int MaxReportedRows { get; set; } = 10_000;
}
