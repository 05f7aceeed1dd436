using System.Globalization;

namespace AutoLynx.VapiSimulator;

/// <summary>Standalone simulator: <c>dotnet run --project src/AutoLynx.VapiSimulator -- --port 5090
/// --webhook-url http://… --time-scale 0.01</c> (<c>--help</c> lists every flag).</summary>
public static class SimulatorProgram
{
    /// <summary>Short flags → configuration keys. Any key can also be given in full, e.g. --Simulator:Faults:Rate429 0.1.</summary>
    public static readonly IReadOnlyDictionary<string, string> Flags = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--port"] = "Simulator:Port",
        ["--api-key"] = "Simulator:ApiKey",
        ["--webhook-url"] = "Simulator:WebhookUrl",
        ["--secret"] = "Simulator:WebhookSecret",
        ["--webhook-secret"] = "Simulator:WebhookSecret",
        ["--bearer-token"] = "Simulator:WebhookBearerToken",
        ["--hmac-secret"] = "Simulator:WebhookHmacSecret",
        ["--hmac-signature-header"] = "Simulator:WebhookHmacSignatureHeader",
        ["--hmac-timestamp-header"] = "Simulator:WebhookHmacTimestampHeader",
        ["--hmac-prefix"] = "Simulator:WebhookHmacSignaturePrefix",
        ["--webhook-retries"] = "Simulator:WebhookRetries",
        ["--time-scale"] = "Simulator:TimeScale",
        ["--seed"] = "Simulator:Seed",
        ["--concurrency-limit"] = "Simulator:ConcurrencyLimit",
        ["--concurrency-behavior"] = "Simulator:ConcurrencyLimitBehavior",
        ["--phone-numbers"] = "Simulator:PhoneNumbers",
        ["--outcomes"] = "Simulator:OutcomesList",
        ["--faults"] = "Simulator:FaultsList",
    };

    private const string Usage = """
        AutoLynx Vapi simulator: a local Vapi for demos, tests and benchmarks. No real phone calls are placed.

        Usage: dotnet run --project src/AutoLynx.VapiSimulator -- [flags]

          --port N                    listen on http://127.0.0.1:N (default 5090; or --urls http://0.0.0.0:N)
          --api-key KEY               private key callers send as Bearer (default sim-private-key)
          --webhook-url URL           org-level server URL (used when neither assistant nor phone number has one)
          --secret S                  send X-Vapi-Secret: S on every webhook
          --bearer-token T            send Authorization: Bearer T on every webhook
          --hmac-secret K             sign webhooks: hex HMAC-SHA256 of "{timestamp}.{body}"
          --hmac-signature-header H   (default x-signature)   --hmac-timestamp-header H (default x-timestamp)
          --hmac-prefix P             written before the signature, e.g. sha256=
          --webhook-retries N         retries of a failed delivery (default 0, as Vapi)
          --time-scale X              0.01 makes a 60 s call last 0.6 s (default 1)
          --seed N                    same seed, same outcomes and faults
          --concurrency-limit N       account concurrency limit (default 10)
          --concurrency-behavior B    blocked-201 (default) or 400
          --phone-numbers A,B         seeded numbers (prefix vapi: for a Vapi number)
          --outcomes K=V,...          the whole mix (unnamed outcomes get 0): Talked, NoAnswer, Busy, Voicemail,
                                      FailedToConnect, Forwarded, ProviderFault, VapiFault (default 50,20,10,12,4,2,1,1)
          --faults K=V,...            Rate429, Rate500BeforeCreate, Rate500AfterCreate, RateTimeoutAfterCreate,
                                      RateSlowResponse, SlowResponseMs, RateDuplicateWebhook, RateReorderWebhook,
                                      RateDropWebhook, DropWebhookFilter (type[:status]|…), RateBurst, BurstIntervalMs,
                                      RateNeverEnds

        Every setting is also a configuration key (--Simulator:Faults:Rate429 0.1, or Simulator__Faults__Rate429=0.1).
        At run time: GET/PUT /_sim/config; inspection: GET /_sim/calls, GET /_sim/stats; POST /_sim/reset.
        """;

    public static async Task Main(string[] args)
    {
        if (args.Any(a => a is "--help" or "-h" or "-?"))
        {
            Console.WriteLine(Usage);
            return;
        }

        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddCommandLine(args, Flags.ToDictionary(p => p.Key, p => p.Value));
        builder.Configuration.AddInMemoryCollection(ExpandLists(builder.Configuration.GetSection(SimulatorOptions.SectionName)));
        var section = builder.Configuration.GetSection(SimulatorOptions.SectionName);
        var options = BindOptions(section);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            var url = section["Port"] is { Length: > 0 } port ? $"http://127.0.0.1:{port}"
                : string.IsNullOrWhiteSpace(section["Url"]) ? "http://127.0.0.1:5090" : section["Url"]!;
            builder.WebHost.UseUrls(url);
        }

        // Per-request logs would cost more than the simulation at thousands of requests a second.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddVapiSimulator(options);
        var app = builder.Build();
        app.MapVapiSimulator();
        await app.StartAsync();
        options.Url = app.Urls.FirstOrDefault() ?? options.Url;

        var identity = app.Services.GetRequiredService<SimulatorIdentity>();
        Console.WriteLine("AutoLynx Vapi simulator — no real phone calls are placed.");
        foreach (var url in app.Urls)
        {
            Console.WriteLine($"  Base URL:      {url}   (set Vapi:BaseUrl to this)");
        }

        Console.WriteLine($"  API key:       {options.ApiKey}");
        Console.WriteLine($"  Org id:        {identity.OrgId}");
        Console.WriteLine($"  Webhook URL:   {options.WebhookUrl ?? "(none: set --webhook-url)"}");
        Console.WriteLine($"  Time scale:    {options.TimeScale.ToString(CultureInfo.InvariantCulture)}");
        Console.WriteLine($"  Seed:          {options.Seed?.ToString(CultureInfo.InvariantCulture) ?? "(random)"}");
        foreach (var phone in identity.PhoneNumbers)
        {
            Console.WriteLine($"  Phone number:  {phone.Number} ({phone.Provider})  id {phone.Id}");
        }

        await app.WaitForShutdownAsync();
    }

    /// <summary>Binds the section; a configured PhoneNumbers list (or a comma-separated string) replaces the default.</summary>
    public static SimulatorOptions BindOptions(IConfigurationSection section)
    {
        var options = new SimulatorOptions();
        section.Bind(options);
        var phones = section.GetSection(nameof(SimulatorOptions.PhoneNumbers));
        var list = phones.Value is { Length: > 0 } csv
            ? csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList()
            : phones.GetChildren().Select(c => c.Value).OfType<string>().ToList();
        if (list.Count > 0)
        {
            options.PhoneNumbers = list;
        }

        return options;
    }

    /// <summary>--outcomes Talked=1,NoAnswer=0 and --faults Rate429=0.1 become Simulator:Outcomes:Talked=1 … keys.
    /// --outcomes is the whole mix: an outcome it does not name gets weight 0.</summary>
    private static Dictionary<string, string?> ExpandLists(IConfigurationSection section)
    {
        var keys = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (!string.IsNullOrWhiteSpace(section["OutcomesList"]))
        {
            foreach (var weight in typeof(OutcomeMix).GetProperties().Where(p => p.PropertyType == typeof(double)))
            {
                keys[$"{SimulatorOptions.SectionName}:Outcomes:{weight.Name}"] = "0";
            }
        }

        foreach (var (list, target) in new[] { ("OutcomesList", "Outcomes"), ("FaultsList", "Faults") })
        {
            foreach (var pair in (section[list] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var equals = pair.IndexOf('=');
                if (equals <= 0)
                {
                    throw new ArgumentException($"--{target.ToLowerInvariant()} expects Name=Value pairs separated by commas, got '{pair}'.");
                }

                keys[$"{SimulatorOptions.SectionName}:{target}:{pair[..equals].Trim()}"] = pair[(equals + 1)..].Trim();
            }
        }

        return keys;
    }
}
