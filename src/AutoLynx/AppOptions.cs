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
