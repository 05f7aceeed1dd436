using System.Text.Json.Nodes;
using AutoLynx.Data;
using AutoLynx.Features.Assistants;
using AutoLynx.Hosting;
using AutoLynx.Vapi;
using AutoLynx.VapiSimulator;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Demo;

/// <summary>
/// The demo's part of start-up (<see cref="StartupTasks"/> calls it only in demo mode): it refuses a database that holds
/// more than demo data when demo mode was only implied, starts the in-process Vapi simulator and points the Vapi client at
/// it, marks a fresh database as demo-only, re-creates the stored assistants on the simulator (it forgets everything on
/// restart), and once the server listens points the simulator's webhooks at this app.
/// </summary>
public sealed class DemoEnvironment(DemoMode mode, IConfiguration config, IOptions<VapiOptions> vapiOptions, VapiConnection connection,
    TimeProvider time, ILogger<DemoEnvironment> logger) : IAsyncDisposable
{
    public const string DemoAssistantName = "Demo — appointment setter";
    private VapiSimulatorHost? _simulator;
    private DemoDatabaseContents _found;

    /// <summary>The in-process simulator, once started (null outside demo mode).</summary>
    public VapiSimulatorHost? Simulator => _simulator;

    /// <summary>Before migrations: checks the database, then starts the simulator.</summary>
    public async Task StartAsync(IServiceProvider services, CancellationToken ct)
    {
        await using (var scope = services.CreateAsyncScope())
            _found = await DemoDatabase.InspectAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), ct);
        if (_found == DemoDatabaseContents.Other && !mode.Asked) throw new StartRefusedException(RefusalMessage());
        if (_found == DemoDatabaseContents.Other)
            logger.LogWarning("Demo mode was asked for (Demo:Enabled=true) on a database that holds more than demo data; its assistants are re-created on the simulator");

        var simOptions = config.GetSection("Simulator").Get<SimulatorOptions>() ?? new SimulatorOptions();
        simOptions.Url ??= "http://127.0.0.1:0";
        simOptions.WebhookSecret = vapiOptions.Value.WebhookSecret;
        _simulator = await VapiSimulatorHost.StartAsync(simOptions, ct);
        connection.BaseUrl = _simulator.BaseUrl;
        connection.ApiKey = simOptions.ApiKey;
        connection.Simulated = true;
        var simulator = _simulator;
        connection.SimulatorTimeScale = () => simulator.Options.TimeScale;
    }

    /// <summary>After migrations: a database this demo found fresh is demo-only from now on.</summary>
    public async Task MarkDatabaseAsync(IServiceProvider services, CancellationToken ct)
    {
        if (_found != DemoDatabaseContents.Fresh) return;
        await using var scope = services.CreateAsyncScope();
        await DemoDatabase.MarkAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), time.GetUtcNow().UtcDateTime, ct);
    }

    /// <summary>The simulator forgets everything on restart; the database does not. Re-create each stored assistant there.</summary>
    public async Task SeedAsync(IServiceProvider sp, CancellationToken ct)
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var vapi = sp.GetRequiredService<VapiClient>();
        var now = time.GetUtcNow().UtcDateTime;
        var assistants = await db.Assistants.Where(a => a.DeletedAt == null).ToListAsync(ct);
        if (assistants.Count == 0)
        {
            assistants.Add(db.Assistants.Add(new Assistant
            {
                ProviderAssistantId = "", Name = DemoAssistantName, Source = AssistantSource.Template,
                ConfigJson = DemoAssistantConfig().ToJsonString(), CreatedBy = "demo", CreatedAt = now, UpdatedAt = now,
            }).Entity);
        }
        foreach (var a in assistants)
        {
            var assistantConfig = AssistantJson.WithoutServerFields(AssistantJson.Parse(a.ConfigJson));
            assistantConfig["name"] = a.Name.Length > 40 ? a.Name[..40] : a.Name;
            // A server URL from an earlier run points at that run's port; the secret header is re-added for this run.
            AssistantJson.UnbindServer(assistantConfig);
            AssistantJson.BindServer(assistantConfig, AssistantService.WebhookUrlFor(connection.PublicBaseUrl), vapiOptions.Value.WebhookSecret);
            AssistantJson.AskForUsedMessages(assistantConfig);
            var created = await vapi.CreateAssistantAsync(assistantConfig, ct);
            a.ProviderAssistantId = created.Id;
            a.ConfigJson = AssistantJson.WithoutWebhookSecret(created.Config()).ToJsonString();
            a.SyncedAt = now;
        }
        await db.SaveChangesAsync(ct);
    }

    public static JsonObject DemoAssistantConfig() => new()
    {
        ["name"] = "Demo appointment setter",
        ["firstMessage"] = "Hi {{name}}, this is Sam from AutoLynx. Is this a good moment to talk about {{business_name}}?",
        ["model"] = new JsonObject
        {
            ["provider"] = "openai", ["model"] = "gpt-4.1", ["temperature"] = 0.5,
            ["messages"] = new JsonArray(new JsonObject
            {
                ["role"] = "system",
                ["content"] = "You are Sam, a friendly appointment setter calling {{name}} at {{business_name}}. Ask whether they would like a 15-minute demo next week and book a time. Be brief, polite, and end the call if they are not interested.",
            }),
        },
        ["voice"] = new JsonObject { ["provider"] = "11labs", ["voiceId"] = "21m00Tcm4TlvDq8ikWAM" },
        ["voicemailMessage"] = "Hi {{name}}, this is Sam from AutoLynx. I'll try you again later. Have a great day!",
        ["endCallMessage"] = "Thanks for your time, goodbye!",
        ["maxDurationSeconds"] = 600,
        ["analysisPlan"] = new JsonObject
        {
            ["structuredDataPlan"] = new JsonObject
            {
                ["enabled"] = true,
                ["schema"] = AssistantTemplates.StructuredDataSchema(("demoBooked", "boolean", "Whether a demo was booked")),
            },
        },
    };

    /// <summary>Once the server listens: the simulator calls back at <paramref name="baseUrl"/>, and assistants created from now on point there.</summary>
    public void OnListening(string? baseUrl)
    {
        if (_simulator is null) return;
        connection.PublicBaseUrl ??= baseUrl;
        if (baseUrl is not null) _simulator.Options.WebhookUrl = baseUrl + AssistantJson.WebhookPath;
    }

    /// <summary>The console banner of a demo run.</summary>
    public string Banner(string? baseUrl, string signInLines)
    {
        var line = new string('=', 72);
        return $"""

            {line}
              AutoLynx is running in DEMO MODE — calls are SIMULATED, no real phone rings.
              Open {baseUrl ?? "(address unknown)"} in a browser.
            {signInLines}
              Vapi simulator: {_simulator?.BaseUrl}  (time scale {_simulator?.Options.TimeScale})
              Try it: New campaign → upload samples/contacts.csv → Start.
              To call for real, set Vapi__ApiKey (see README).
            {line}

            """;
    }

    private string RefusalMessage()
    {
        var cs = config.GetConnectionString("Default");
        string file;
        try { file = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(cs) ? "Data Source=autolynx.db" : cs).DataSource; }
        catch (ArgumentException) { file = "the configured database"; }
        return $"Vapi:ApiKey is empty, so AutoLynx would run in demo mode, but the database {file} holds data that demo mode did not create " +
               "(it was used with a Vapi key, or by a version of AutoLynx from before demo databases were marked). Demo mode places calls against " +
               "its built-in simulator and re-creates every assistant there, rewriting their Vapi ids, so it does not start on such a database by itself. " +
               "Set Vapi:ApiKey (Vapi__ApiKey) to use this database with Vapi, point ConnectionStrings:Default at another file for a fresh demo, " +
               "or set Demo:Enabled=true to run the demo on this database anyway.";
    }

    public async ValueTask DisposeAsync()
    {
        var simulator = Interlocked.Exchange(ref _simulator, null);
        if (simulator is not null) await simulator.DisposeAsync();
    }
}
