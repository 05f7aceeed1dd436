using System.Text.Json;
using System.Text.Json.Nodes;
using AutoLynx.Data;
using AutoLynx.Features.Assistants;
using AutoLynx.Features.Auth;
using AutoLynx.Features.PhoneLines;
using AutoLynx.Vapi;
using AutoLynx.VapiSimulator;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Demo;

/// <summary>
/// Start-up work, in order, before the server accepts requests: start the in-process simulator (demo mode),
/// apply migrations, seed demo data, sync phone lines. Once the server listens, points the simulator's webhooks
/// at this app and prints the banner.
/// </summary>
public sealed class AppStartup(
    IServiceProvider services, IOptions<VapiOptions> vapiOptions, IConfiguration config, VapiConnection connection,
    IHostApplicationLifetime lifetime, IServer server, SignInHint signInHint, ILogger<AppStartup> logger) : IHostedService, IAsyncDisposable
{
    public const string DemoAssistantName = "Demo — appointment setter";
    private VapiSimulatorHost? _simulator;

    public VapiSimulatorHost? Simulator => _simulator;

    public async Task StartAsync(CancellationToken ct)
    {
        var vapi = vapiOptions.Value;
        if (vapi.DemoMode)
        {
            var simOptions = config.GetSection("Simulator").Get<SimulatorOptions>() ?? new SimulatorOptions();
            simOptions.Url ??= "http://127.0.0.1:0";
            simOptions.WebhookSecret = vapi.WebhookSecret;
            _simulator = await VapiSimulatorHost.StartAsync(simOptions, ct);
            connection.BaseUrl = _simulator.BaseUrl;
            connection.ApiKey = simOptions.ApiKey;
            connection.Simulated = true;
            var simulator = _simulator;
            connection.SimulatorTimeScale = () => simulator.Options.TimeScale;
        }
        else
        {
            connection.BaseUrl = new Uri(vapi.BaseUrl ?? "https://api.vapi.ai");
            connection.ApiKey = vapi.ApiKey!;
        }

        if (!string.IsNullOrWhiteSpace(vapi.PublicBaseUrl)) connection.PublicBaseUrl = vapi.PublicBaseUrl.Trim().TrimEnd('/');

        await DatabaseSetup.MigrateAsync(services, ct);
        // Several instances starting together on one database may race to create the first admin: try again.
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = services.CreateAsyncScope();
            try
            {
                await AuthBootstrap.RunAsync(scope.ServiceProvider, vapi.DemoMode, ct);
                break;
            }
            catch (DbUpdateException) when (attempt < 5)
            {
                await Task.Delay(100 * attempt, ct);
            }
        }

        if (vapi.DemoMode) await WithRetriesAsync(sp => SeedDemoAsync(sp, ct), "seed the demo assistant", rethrow: true, ct);
        await WithRetriesAsync(sp => sp.GetRequiredService<PhoneLineSync>().SyncAsync(ct), "read phone numbers from Vapi", rethrow: false, ct);

        lifetime.ApplicationStarted.Register(OnStarted);
    }

    /// <summary>Vapi can answer 429 or 5xx on a bad day: start-up calls are retried a few times with backoff (they create nothing twice that matters: GETs, and a demo assistant on a fresh simulator).</summary>
    private async Task WithRetriesAsync(Func<IServiceProvider, Task> work, string what, bool rethrow, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = services.CreateAsyncScope();
            try
            {
                await work(scope.ServiceProvider);
                return;
            }
            catch (Exception ex) when (ex is VapiApiException { IsTransient: true } or HttpRequestException or TaskCanceledException && attempt < 6 && !ct.IsCancellationRequested)
            {
                logger.LogWarning("Could not {What} (attempt {Attempt}): {Error}; retrying", what, attempt, ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(250 * Math.Pow(2, attempt)), ct);
            }
            catch (Exception ex) when (!rethrow && ex is VapiApiException or HttpRequestException or TaskCanceledException)
            {
                logger.LogWarning("Could not {What} at start-up: {Error}", what, ex.Message);
                return;
            }
        }
    }

    /// <summary>The simulator forgets everything on restart; the database does not. Re-create each stored assistant there.</summary>
    private async Task SeedDemoAsync(IServiceProvider sp, CancellationToken ct)
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var vapi = sp.GetRequiredService<VapiClient>();
        var time = sp.GetRequiredService<TimeProvider>();
        var now = time.GetUtcNow().UtcDateTime;
        var assistants = await db.Assistants.Where(a => a.DeletedAt == null).ToListAsync(ct);
        if (assistants.Count == 0)
        {
            var config = DemoAssistantConfig();
            assistants.Add(db.Assistants.Add(new Assistant
            {
                ProviderAssistantId = "", Name = DemoAssistantName, Source = AssistantSource.Template,
                ConfigJson = config.ToJsonString(), CreatedBy = "demo", CreatedAt = now, UpdatedAt = now,
            }).Entity);
        }
        foreach (var a in assistants)
        {
            var config = AssistantJson.WithoutServerFields(AssistantJson.Parse(a.ConfigJson));
            config["name"] = a.Name.Length > 40 ? a.Name[..40] : a.Name;
            // A server URL from an earlier run points at that run's port; the secret header is re-added for this run.
            AssistantJson.UnbindServer(config);
            AssistantJson.BindServer(config, AssistantService.WebhookUrlFor(connection.PublicBaseUrl), vapiOptions.Value.WebhookSecret);
            var created = await vapi.CreateAssistantAsync(config, ct);
            a.ProviderAssistantId = created.Id;
            a.ConfigJson = AssistantJson.Redact(created.Config()).ToJsonString();
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
    };

    private void OnStarted()
    {
        var configured = vapiOptions.Value.PublicBaseUrl;
        var baseUrl = string.IsNullOrWhiteSpace(configured) ? LocalAddress() : configured.TrimEnd('/');
        // In demo mode the simulator reaches us at the local address: assistants created from now on point there.
        if (_simulator is not null) connection.PublicBaseUrl ??= baseUrl;
        if (_simulator is not null && baseUrl is not null)
            _simulator.Options.WebhookUrl = baseUrl + "/api/webhooks/vapi";
        var signIn = SignInLines(baseUrl);
        if (_simulator is not null)
        {
            var line = new string('=', 72);
            Console.WriteLine($"""

                {line}
                  AutoLynx is running in DEMO MODE — calls are SIMULATED, no real phone rings.
                  Open {baseUrl ?? "(address unknown)"} in a browser.
                {signIn}
                  Vapi simulator: {_simulator.BaseUrl}  (time scale {_simulator.Options.TimeScale})
                  Try it: New campaign → upload samples/contacts.csv → Start.
                  To call for real, set Vapi__ApiKey (see README).
                {line}

                """);
        }
        else if (signInHint.LinkPath is not null)
        {
            Console.WriteLine($"\n{signIn}\n");
        }
        logger.LogInformation("AutoLynx started at {Url} (demo mode: {Demo})", baseUrl, _simulator is not null);
    }

    /// <summary>How the first person signs in; passwords and links go to the console only (never the structured log).</summary>
    private string SignInLines(string? baseUrl)
    {
        if (signInHint.Email is null) return "  Sign in: an allowlisted account (Auth:BootstrapAdminEmail creates the first admin).";
        var lines = $"  Sign in as {signInHint.Email}";
        if (signInHint.Password is not null) lines += $" with password {signInHint.Password}";
        if (signInHint.LinkPath is not null) lines += $"\n  or open this one-time sign-in link: {baseUrl}{signInHint.LinkPath}";
        return lines;
    }

    private string? LocalAddress()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses;
        var a = addresses?.FirstOrDefault(x => x.StartsWith("http://", StringComparison.Ordinal)) ?? addresses?.FirstOrDefault();
        return a?.Replace("://0.0.0.0", "://127.0.0.1").Replace("://[::]", "://127.0.0.1").Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1").TrimEnd('/');
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        // Registered both as a singleton and as a hosted service, so the container may dispose it twice.
        var simulator = Interlocked.Exchange(ref _simulator, null);
        if (simulator is not null) await simulator.DisposeAsync();
    }
}
