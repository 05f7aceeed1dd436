namespace AutoLynx.VapiSimulator;

/// <summary>Settings of the local Vapi, bound from the configuration section "Simulator".</summary>
/// <remarks>The instance is live: the simulator reads it at each use, so changing e.g. <see cref="WebhookUrl"/>
/// or <see cref="TimeScale"/> at run time (directly, or through <c>PUT /_sim/config</c>) affects later calls and webhooks.</remarks>
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
    /// timestamp = epoch milliseconds, sent in <see cref="WebhookHmacTimestampHeader"/>.</summary>
    public string? WebhookHmacSecret { get; set; }

    /// <summary>Header carrying the HMAC signature (Vapi's default <c>x-signature</c>).</summary>
    public string WebhookHmacSignatureHeader { get; set; } = "x-signature";

    /// <summary>Header carrying the signed timestamp (Vapi's default <c>x-timestamp</c>).</summary>
    public string WebhookHmacTimestampHeader { get; set; } = "x-timestamp";

    /// <summary>Written before the hex signature, e.g. "sha256=" (Vapi's signaturePrefix; none by default).</summary>
    public string WebhookHmacSignaturePrefix { get; set; } = "";

    /// <summary>Retries of a failed delivery (non-2xx, error or timeout) when the server config has no backoffPlan.
    /// Vapi retries nothing by default, so neither does the simulator.</summary>
    public int WebhookRetries { get; set; }

    /// <summary>Delay before each retry, in real milliseconds (not scaled by <see cref="TimeScale"/>).</summary>
    public int WebhookRetryDelayMs { get; set; } = 1000;

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

    /// <summary>Whether a 201's <c>subscriptionLimits</c> carries <c>concurrencyLimit</c> and <c>remainingConcurrentCalls</c>.
    /// Vapi's spec makes both optional: with false, a client must learn the limit from refusals.</summary>
    public bool ReportConcurrencyLimit { get; set; } = true;

    /// <summary>How many calls GET /call, GET /call/{id} and /_sim/calls remember. Past it, the oldest ended calls are
    /// forgotten (counters in /_sim/stats are not): a long load run keeps a bounded heap. An ended call costs a few KB.</summary>
    public int MaxRetainedCalls { get; set; } = 50_000;

    /// <summary>Seeded phone numbers (E.164). Prefix "vapi:" for a Vapi-provided number; default provider is twilio.</summary>
    public List<string> PhoneNumbers { get; set; } = ["+14155550100"];

    public OutcomeMix Outcomes { get; set; } = new();

    public FaultPlan Faults { get; set; } = new();

    /// <summary>Where the in-process simulator listens; port 0 picks a free port. The standalone program listens on
    /// --urls or --port, else on an explicitly configured Simulator:Url, else on http://127.0.0.1:5090.</summary>
    public string? Url { get; set; } = "http://127.0.0.1:0";

    /// <summary>A deep copy (the admin endpoint edits a copy and swaps it in only when it is valid).</summary>
    public SimulatorOptions Clone()
    {
        var copy = (SimulatorOptions)MemberwiseClone();
        copy.PhoneNumbers = [.. PhoneNumbers];
        copy.Outcomes = Outcomes.Clone();
        copy.Faults = Faults.Clone();
        return copy;
    }

    /// <summary>Problems with the settings, in the words of a 400 answer; empty when they are usable.</summary>
    public List<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(ApiKey))
        {
            errors.Add("apiKey must not be empty");
        }

        if (!string.IsNullOrWhiteSpace(WebhookUrl)
            && !(Uri.TryCreate(WebhookUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
        {
            errors.Add("webhookUrl must be a URL address");
        }

        if (string.IsNullOrWhiteSpace(WebhookHmacSignatureHeader) || string.IsNullOrWhiteSpace(WebhookHmacTimestampHeader))
        {
            errors.Add("webhookHmacSignatureHeader and webhookHmacTimestampHeader must not be empty");
        }

        Range(errors, "webhookRetries", WebhookRetries, 0, 10);
        Range(errors, "webhookRetryDelayMs", WebhookRetryDelayMs, 0, 600_000);
        Range(errors, "timeScale", TimeScale, 0, 1000);
        Range(errors, "concurrencyLimit", ConcurrencyLimit, 1, 1_000_000);
        Range(errors, "maxRetainedCalls", MaxRetainedCalls, 100, 100_000_000);
        if (ConcurrencyLimitBehavior is not ("blocked-201" or "400"))
        {
            errors.Add("concurrencyLimitBehavior must be one of the following values: blocked-201, 400");
        }

        foreach (var (name, weight) in Outcomes.Weights())
        {
            Range(errors, "outcomes." + name, weight, 0, 1_000_000);
        }

        Range(errors, "outcomes.optOut", Outcomes.OptOut, 0, 1);
        Range(errors, "outcomes.callback", Outcomes.Callback, 0, 1);
        Range(errors, "outcomes.callbackAfterMs", Outcomes.CallbackAfterMs, 0, 86_400_000);
        if (Outcomes.Weights().All(w => w.Weight <= 0))
        {
            errors.Add("outcomes must have at least one positive weight");
        }

        foreach (var (name, rate) in Faults.Rates())
        {
            Range(errors, "faults." + name, rate, 0, 1);
        }

        Range(errors, "faults.slowResponseMs", Faults.SlowResponseMs, 0, 600_000);
        Range(errors, "faults.lateCreateMs", Faults.LateCreateMs, 0, 600_000);
        Range(errors, "faults.burstIntervalMs", Faults.BurstIntervalMs, 1, 600_000);
        return errors;
    }

    private static void Range(List<string> errors, string name, double value, double min, double max)
    {
        if (double.IsNaN(value) || value < min)
        {
            errors.Add($"{name} must not be less than {min}");
        }
        else if (value > max)
        {
            errors.Add($"{name} must not be greater than {max}");
        }
    }
}

/// <summary>Relative weights of what happens when a call is dialled (any scale; they need not sum to 100).</summary>
public sealed class OutcomeMix
{
    /// <summary>Answered and talked 30 s – 5 min; ends customer-ended-call, assistant-ended-call,
    /// assistant-said-end-call-phrase, silence-timed-out or exceeded-max-duration.</summary>
    public double Talked { get; set; } = 50;

    /// <summary>Rings 20–30 s, then customer-did-not-answer.</summary>
    public double NoAnswer { get; set; } = 20;

    /// <summary>Rings 3–8 s, then customer-busy.</summary>
    public double Busy { get; set; } = 10;

    /// <summary>Answered by a machine; the assistant leaves a message; voicemail.</summary>
    public double Voicemail { get; set; } = 12;

    /// <summary>Never rings: twilio-failed-to-connect-call.</summary>
    public double FailedToConnect { get; set; } = 4;

    /// <summary>Talks, then the assistant transfers the call: status forwarding, then assistant-forwarded-call.</summary>
    public double Forwarded { get; set; } = 2;

    /// <summary>The carrier refuses after ringing: call.in-progress.error-providerfault-outbound-sip-480/503/408-….</summary>
    public double ProviderFault { get; set; } = 1;

    /// <summary>Answered, then Vapi's worker dies mid-call: call.in-progress.error-vapifault-worker-died.</summary>
    public double VapiFault { get; set; } = 1;

    /// <summary>Share (0–1) of talked calls where the person asks not to be called again: the analysis's structured
    /// data carries <c>doNotCall: true</c> when the assistant's structured-data schema asks for it.</summary>
    public double OptOut { get; set; }

    /// <summary>Share (0–1) of talked calls where the person asks to be called back later: <c>callbackAt</c> (ISO 8601,
    /// <see cref="CallbackAfterMs"/> after the call ends) when the schema asks for it.</summary>
    public double Callback { get; set; }

    /// <summary>How long after the end of the call the person asks to be called back, in real milliseconds.</summary>
    public int CallbackAfterMs { get; set; } = 2000;

    public OutcomeMix Clone() => (OutcomeMix)MemberwiseClone();

    /// <summary>A mix where only what <paramref name="set"/> sets has weight, e.g. <c>OutcomeMix.Only(m => m.Talked = 1)</c>.</summary>
    public static OutcomeMix Only(Action<OutcomeMix> set)
    {
        var mix = new OutcomeMix
        {
            Talked = 0, NoAnswer = 0, Busy = 0, Voicemail = 0, FailedToConnect = 0, Forwarded = 0, ProviderFault = 0, VapiFault = 0,
        };
        set(mix);
        return mix;
    }

    internal IEnumerable<(string Name, double Weight)> Weights() =>
    [
        ("talked", Talked), ("noAnswer", NoAnswer), ("busy", Busy), ("voicemail", Voicemail),
        ("failedToConnect", FailedToConnect), ("forwarded", Forwarded), ("providerFault", ProviderFault), ("vapiFault", VapiFault),
    ];
}

/// <summary>Probabilities (0–1) of injected faults, plus the few durations they need.</summary>
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

    /// <summary>POST /call answers 504 at once (a gateway gave up), and Vapi creates and dials the call
    /// <see cref="LateCreateMs"/> later anyway: "not found" right after the 504 proves nothing.</summary>
    public double RateLateCreate { get; set; }

    /// <summary>How long after its 504 a late-created call appears, in real milliseconds.</summary>
    public int LateCreateMs { get; set; } = 5000;

    /// <summary>POST /call creates (and dials) the call, then answers 201 with a body that is no call (JSON <c>null</c>, as a
    /// misbehaving gateway may send).</summary>
    public double RateGarbledCreate { get; set; }

    /// <summary>GET /call/{id} answers 503 for this share of calls, every time (chosen per call id): their lookups never work.</summary>
    public double RateGetCallError { get; set; }

    /// <summary>Any authenticated API request is answered only after <see cref="SlowResponseMs"/>.</summary>
    public double RateSlowResponse { get; set; }

    /// <summary>How long a slow response takes, in real milliseconds.</summary>
    public int SlowResponseMs { get; set; } = 3000;

    /// <summary>A webhook is delivered twice.</summary>
    public double RateDuplicateWebhook { get; set; }

    /// <summary>A webhook is held back and delivered after the call's next one.</summary>
    public double RateReorderWebhook { get; set; }

    /// <summary>A webhook is never delivered.</summary>
    public double RateDropWebhook { get; set; }

    /// <summary>Which webhooks <see cref="RateDropWebhook"/> applies to: comma-separated "type" or "type:status"
    /// (e.g. "end-of-call-report,status-update:ended"); empty = all.</summary>
    public string? DropWebhookFilter { get; set; }

    /// <summary>A webhook is held back with every other held one and all are released together, once per
    /// <see cref="BurstIntervalMs"/> (a backlog flushed at once). A call's later webhooks wait behind it.</summary>
    public double RateBurst { get; set; }

    /// <summary>How long held webhooks gather before their burst, in real milliseconds.</summary>
    public int BurstIntervalMs { get; set; } = 1000;

    /// <summary>An answered call stays in-progress until hung up through its controlUrl.</summary>
    public double RateNeverEnds { get; set; }

    public FaultPlan Clone() => (FaultPlan)MemberwiseClone();

    internal IEnumerable<(string Name, double Rate)> Rates() =>
    [
        ("rate429", Rate429), ("rate500BeforeCreate", Rate500BeforeCreate), ("rate500AfterCreate", Rate500AfterCreate),
        ("rateTimeoutAfterCreate", RateTimeoutAfterCreate), ("rateLateCreate", RateLateCreate), ("rateGarbledCreate", RateGarbledCreate),
        ("rateGetCallError", RateGetCallError), ("rateSlowResponse", RateSlowResponse),
        ("rateDuplicateWebhook", RateDuplicateWebhook), ("rateReorderWebhook", RateReorderWebhook),
        ("rateDropWebhook", RateDropWebhook), ("rateBurst", RateBurst), ("rateNeverEnds", RateNeverEnds),
    ];

    /// <summary>Whether the drop rate applies to this webhook.</summary>
    internal bool DropApplies(string type, string? status)
    {
        if (string.IsNullOrWhiteSpace(DropWebhookFilter))
        {
            return true;
        }

        foreach (var entry in DropWebhookFilter.Split([',', ';', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = entry.IndexOf(':');
            if (colon < 0 ? entry == type : entry[..colon] == type && entry[(colon + 1)..] == status)
            {
                return true;
            }
        }

        return false;
    }
}
