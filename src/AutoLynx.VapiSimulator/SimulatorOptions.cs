namespace AutoLynx.VapiSimulator;

/// <summary>Settings of the local Vapi, bound from the configuration section "Simulator".</summary>
/// <remarks>The instance is live: the simulator reads it at each use, so changing e.g. <see cref="WebhookUrl"/>
/// or <see cref="TimeScale"/> at run time affects later calls and webhooks.</remarks>
public sealed class SimulatorOptions
{
    public const string SectionName = "Simulator";

    /// <summary>The private API key callers must send as <c>Authorization: Bearer …</c>.</summary>
    public string ApiKey { get; set; } = "sim-private-key";

    /// <summary>Org-level server URL: used when neither the assistant's nor the phone number's server.url is set.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Sent as the <c>X-Vapi-Secret</c> header on every webhook when set.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>When set, webhooks carry <c>Authorization: Bearer &lt;token&gt;</c> (Vapi's bearer credential).</summary>
    public string? WebhookBearerToken { get; set; }

    /// <summary>When set, webhooks are signed like Vapi's HMAC credential: hex HMAC-SHA256 over "{timestamp}.{body}",
    /// timestamp = epoch milliseconds.</summary>
    public string? WebhookHmacSecret { get; set; }
    public string WebhookHmacSignatureHeader { get; set; } = "x-signature";
    public string WebhookHmacTimestampHeader { get; set; } = "x-timestamp";

    /// <summary>Also put the legacy top-level fields (durationSeconds, summary, transcript, recordingUrl…) on end-of-call-reports.</summary>
    public bool LegacyReportFields { get; set; }

    /// <summary>Multiplies every simulated duration: 0.01 makes a 60 s call last 0.6 s.</summary>
    public double TimeScale { get; set; } = 1.0;

    /// <summary>Same seed ⇒ same outcomes, durations and faults for the same customer numbers. Null ⇒ random.</summary>
    public int? Seed { get; set; }

    /// <summary>The account's concurrent-call limit.</summary>
    public int ConcurrencyLimit { get; set; } = 10;

    /// <summary>"blocked-201" (201 with subscriptionLimits.concurrencyBlocked and an at-once ended call) or "400".</summary>
    public string ConcurrencyLimitBehavior { get; set; } = "blocked-201";

    /// <summary>Seeded phone numbers (E.164). Prefix "vapi:" for a Vapi-provided number; default provider is twilio.</summary>
    public List<string> PhoneNumbers { get; set; } = ["+14155550100"];

    public OutcomeMix Outcomes { get; set; } = new();

    public FaultPlan Faults { get; set; } = new();

    /// <summary>Where the in-process simulator listens; port 0 picks a free port. The standalone program listens on
    /// --urls, else on an explicitly configured Simulator:Url, else on http://127.0.0.1:5090.</summary>
    public string? Url { get; set; } = "http://127.0.0.1:0";
}

/// <summary>Relative weights of what happens when a call is dialled.</summary>
public sealed class OutcomeMix
{
    public double Talked { get; set; } = 50;
    public double NoAnswer { get; set; } = 20;
    public double Busy { get; set; } = 10;
    public double Voicemail { get; set; } = 15;
    public double FailedToConnect { get; set; } = 5;
}

/// <summary>Probabilities (0–1) of injected faults.</summary>
public sealed class FaultPlan
{
    /// <summary>Any authenticated API request answers 429 (Retry-After: 1).</summary>
    public double Rate429 { get; set; }

    /// <summary>POST /call answers 500 and creates nothing.</summary>
    public double Rate500BeforeCreate { get; set; }

    /// <summary>POST /call creates (and dials) the call, then answers 500.</summary>
    public double Rate500AfterCreate { get; set; }

    /// <summary>POST /call creates (and dials) the call, then holds the response until the client gives up (504 after 100 s).</summary>
    public double RateTimeoutAfterCreate { get; set; }

    /// <summary>A webhook is delivered twice.</summary>
    public double RateDuplicateWebhook { get; set; }

    /// <summary>A webhook is held back and delivered after the call's next one.</summary>
    public double RateReorderWebhook { get; set; }

    /// <summary>A webhook is never delivered.</summary>
    public double RateDropWebhook { get; set; }

    /// <summary>An answered call stays in-progress until hung up through its controlUrl.</summary>
    public double RateNeverEnds { get; set; }
}
