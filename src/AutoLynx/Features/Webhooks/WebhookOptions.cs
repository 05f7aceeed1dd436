using System.ComponentModel.DataAnnotations;

namespace AutoLynx.Features.Webhooks;

/// <summary>Outbound webhooks (section <c>Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>Allow endpoints on loopback, link-local and private addresses (tests, an intranet receiver). Off by default: SSRF.</summary>
    public bool AllowPrivateTargets { get; set; }
    /// <summary>How long a message is retried (and how long an endpoint may fail before it is disabled).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")] public TimeSpan RetryFor { get; set; } = TimeSpan.FromDays(1);
    /// <summary>The first retry's delay; each next one doubles (with jitter) up to <see cref="RetryMaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")] public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")] public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);
    /// <summary>How long one POST may take before it counts as failed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")] public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>How often the worker looks for due messages when it has nothing to do.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")] public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>Deliveries in flight at once (each to a different endpoint or campaign).</summary>
    [Range(1, 64)] public int Parallelism { get; set; } = 8;
}
