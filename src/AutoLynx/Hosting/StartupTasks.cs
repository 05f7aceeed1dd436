using AutoLynx.Data;
using AutoLynx.Features.Auth;
using AutoLynx.Features.Demo;
using AutoLynx.Features.PhoneLines;
using AutoLynx.Vapi;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoLynx.Hosting;

/// <summary>
/// What every start does, in order, before the server accepts requests: point the Vapi client at Vapi (or, in demo mode,
/// let <see cref="DemoEnvironment"/> check the database and start the simulator), apply migrations, make sure the first admin
/// exists, seed the demo, import the account's phone lines. Once the server listens: the banner and how to sign in.
/// It belongs to no feature: it runs the start-up steps of several (data, auth, demo, phone lines) in the one order that works.
/// They run in <see cref="StartingAsync"/>, before any hosted service's StartAsync: the Data Protection key ring, the engine
/// loops and the analytics refresher all read tables these migrations create.
/// </summary>
public sealed class StartupTasks(
    IServiceProvider services, DemoMode demo, DemoEnvironment demoEnvironment, IOptions<VapiOptions> vapiOptions, VapiConnection connection,
    IHostApplicationLifetime lifetime, IServer server, SignInHint signInHint, ILogger<StartupTasks> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken ct)
    {
        var vapi = vapiOptions.Value;
        if (demo.On)
        {
            await demoEnvironment.StartAsync(services, ct);
        }
        else
        {
            connection.BaseUrl = new Uri(vapi.BaseUrl ?? "https://api.vapi.ai");
            connection.ApiKey = vapi.ApiKey!;
        }
        if (!string.IsNullOrWhiteSpace(vapi.PublicBaseUrl)) connection.PublicBaseUrl = vapi.PublicBaseUrl.Trim().TrimEnd('/');

        await DatabaseSetup.MigrateAsync(services, ct);
        if (demo.On) await demoEnvironment.MarkDatabaseAsync(services, ct);
        else
        {
            // With a key this database may now hold real data: it is no demo database any more (DemoDatabase).
            await using var scope = services.CreateAsyncScope();
            await DemoDatabase.ForgetAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), ct);
        }

        // Several instances starting together on one database may race to create the first admin: try again.
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = services.CreateAsyncScope();
            try
            {
                await AuthBootstrap.RunAsync(scope.ServiceProvider, demo.On, ct);
                break;
            }
            catch (DbUpdateException) when (attempt < 5)
            {
                await Task.Delay(100 * attempt, ct);
            }
        }

        if (demo.On) await WithRetriesAsync(sp => demoEnvironment.SeedAsync(sp, ct), "seed the demo assistant", rethrow: true, ct);
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

    private void OnStarted()
    {
        var configured = vapiOptions.Value.PublicBaseUrl;
        var baseUrl = string.IsNullOrWhiteSpace(configured) ? LocalAddress() : configured.TrimEnd('/');
        if (demo.On)
        {
            demoEnvironment.OnListening(baseUrl);
            Console.WriteLine(demoEnvironment.Banner(baseUrl, SignInLines(baseUrl)));
        }
        else if (signInHint.LinkPath is not null)
        {
            Console.WriteLine($"\n{SignInLines(baseUrl)}\n");
        }
        logger.LogInformation("AutoLynx started at {Url} (demo mode: {Demo})", baseUrl, demo.On);
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

    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken ct) => Task.CompletedTask;
}
