using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using AutoLynx.Testing;
using AutoLynx.Tests.Infrastructure;
using AutoLynx.VapiSimulator;
using Xunit.Abstractions;

namespace AutoLynx.Tests.Integration.Deployment;

/// <summary>
/// One installation of the app as its own process (<see cref="AppProcess"/>) with a real (simulated) Vapi account, its own
/// empty $HOME — as a new machine or container would have — and a database that may outlive it or be shared with others.
/// Sign-in links are mailed to <see cref="Mail"/>; <see cref="Api"/> is the bootstrap admin's API token.
/// </summary>
public sealed class AppInstance : IAsyncDisposable
{
    public const string AdminEmail = "ops@example.com";
    public const string AdminToken = "alx_deploy_test_token_0123456789";

    private readonly Process _process;
    public string Home { get; }
    public Uri BaseUrl { get; }
    public SmtpSink Mail { get; }
    public HttpClient Api { get; }

    /// <summary>What the process printed (console and log), to show when a test fails.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Output { get; }

    private readonly ITestOutputHelper _testOutput;

    private AppInstance(Process process, string home, Uri baseUrl, SmtpSink mail, System.Collections.Concurrent.ConcurrentQueue<string> output,
        ITestOutputHelper testOutput)
    {
        Output = output;
        _testOutput = testOutput;
        _process = process;
        Home = home;
        BaseUrl = baseUrl;
        Mail = mail;
        Api = AuthFlows.TokenClient(baseUrl, AdminToken);
    }

    /// <param name="provider">Sqlite or Postgres; <paramref name="connectionString"/> names the database.</param>
    /// <param name="port">Where it listens: a restart passes the port of the instance it replaces.</param>
    /// <param name="output">Gets the process's output when the instance is disposed (read it when a test fails).</param>
    public static async Task<AppInstance> StartAsync(VapiSimulatorHost sim, string provider, string connectionString, ITestOutputHelper output, int? port = null)
    {
        var baseUrl = new Uri($"http://127.0.0.1:{port ?? CrashRecoveryTests.FreePort()}/");
        var home = Directory.CreateTempSubdirectory("autolynx-home-").FullName;
        var mail = new SmtpSink();
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development", // plain http: cookies not marked Secure
            ["HOME"] = home,
            ["ASPNETCORE_URLS"] = baseUrl.ToString().TrimEnd('/'),
            ["Database__Provider"] = provider,
            ["ConnectionStrings__Default"] = connectionString,
            ["Vapi__BaseUrl"] = sim.BaseUrl.ToString(),
            ["Vapi__ApiKey"] = sim.Options.ApiKey,
            ["Vapi__WebhookSecret"] = sim.Options.WebhookSecret ?? "deploy-secret",
            ["Auth__BootstrapApiToken"] = AdminToken,
            ["Auth__BootstrapAdminEmail"] = AdminEmail,
            ["Auth__PublicBaseUrl"] = baseUrl.ToString().TrimEnd('/'),
            ["Webhooks__AllowPrivateTargets"] = "true",
            ["Webhooks__PollInterval"] = "00:00:00.100",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (k, v) in mail.AppSettings) env[k.Replace(":", "__")] = v!;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var process = AppProcess.Start(env, log.Enqueue);
        var instance = new AppInstance(process, home, baseUrl, mail, log, output);
        try
        {
            await CrashRecoveryTests.WaitHealthyAsync(instance.Api);
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
        return instance;
    }

    /// <summary>Allowlists <paramref name="email"/> as an operator and signs them in with the mailed link: a client with their session cookie.</summary>
    public async Task<HttpClient> SignInAsync(string email)
    {
        using (var add = await Api.PostAsJsonAsync("api/allowlist", new { email, role = "Operator" }))
            if (add.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict))
                throw new InvalidOperationException($"Allowlisting {email}: {(int)add.StatusCode} {await add.Content.ReadAsStringAsync()}");
        return await AuthFlows.SignInWithLinkAsync(BaseUrl, email, Mail);
    }

    /// <summary>The data protection key files a default installation would have written under $HOME.</summary>
    public string[] KeyFilesInHome()
    {
        var dir = Path.Combine(Home, ".aspnet", "DataProtection-Keys");
        return Directory.Exists(dir) ? Directory.GetFiles(dir) : [];
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        foreach (var line in Output) _testOutput.WriteLine($"[{BaseUrl.Port}] {line}");
        Api.Dispose();
        await Mail.DisposeAsync();
        try { Directory.Delete(Home, recursive: true); } catch (IOException) { }
    }
}
