using System.Collections.Concurrent;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using AutoLynx.Features.Auth;
using AutoLynx.Testing;
using Microsoft.Playwright;

namespace AutoLynx.E2E;

/// <summary>
/// The whole app on a real Kestrel port, in demo mode (in-process Vapi simulator), with a fresh SQLite file,
/// plus one headless Chromium shared by the tests of a class. Each test opens its own browser context.
/// </summary>
public sealed class E2EFixture : IAsyncLifetime
{
    private readonly string _dbPath = Path.Combine(Path.GetTempPath(), $"autolynx-e2e-{Guid.NewGuid():N}.db");
    private AppFactory? _factory;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;
    public string BaseUrl { get; private set; } = null!;

    /// <summary>The demo admin's API token (Auth:BootstrapApiToken), for set-up through the API.</summary>
    public string AdminToken { get; } = "alx_e2e_" + Guid.NewGuid().ToString("N");

    /// <summary>Where the app's sign-in emails go.</summary>
    public SmtpSink Mail { get; } = new();

    /// <summary>The demo admin, as the start-up banner announces them.</summary>
    public string AdminEmail => Services.GetRequiredService<SignInHint>().Email!;
    public string AdminPassword => Services.GetRequiredService<SignInHint>().Password!;

    private string? _adminState;

    /// <summary>The app's services, e.g. to reach the in-process Vapi simulator behind the app's back.</summary>
    public IServiceProvider Services => _factory!.Services;

    /// <summary>Server log entries at Warning or above, to print when a test fails.</summary>
    public ConcurrentQueue<string> ServerLog { get; } = new();

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string ScreenshotDir
    {
        get
        {
            var dir = Path.Combine(RepoRoot, "artifacts", "screenshots");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public async Task InitializeAsync()
    {
        _factory = new AppFactory(_dbPath, ServerLog, AdminToken, Mail);
        _factory.UseKestrel(0);
        _factory.StartServer();

        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? addresses.First();
        BaseUrl = address.Replace("://0.0.0.0", "://127.0.0.1").Replace("://[::]", "://127.0.0.1").Replace("://localhost", "://127.0.0.1").TrimEnd('/');

        using (var http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(5) })
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                try
                {
                    if ((await http.GetAsync("/healthz")).IsSuccessStatusCode) break;
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline) { }
                if (DateTime.UtcNow > deadline) throw new System.TimeoutException($"{BaseUrl}/healthz did not answer 200 within 30 s.");
                await Task.Delay(200);
            }
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
            ],
        });
    }

    /// <summary>
    /// A fresh browser context; signed in as the demo admin unless <paramref name="signedIn"/> is false. 1280×800 unless
    /// told otherwise; <paramref name="colorScheme"/> is what the "system" prefers (prefers-color-scheme).
    /// </summary>
    public async Task<IBrowserContext> NewContextAsync(bool signedIn = true, int width = 1280, int height = 800, ColorScheme? colorScheme = null,
        string? timezoneId = null)
    {
        if (signedIn && _adminState is null)
        {
            // Signed in once through the real sign-in page; later contexts reuse that session cookie.
            await using var first = await NewContextAsync(signedIn: false);
            var page = await first.NewPageAsync();
            await SignInWithPasswordAsync(page, AdminEmail, AdminPassword);
            _adminState = await first.StorageStateAsync();
        }
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = colorScheme ?? ColorScheme.Light,
            Locale = "en-US",
            TimezoneId = timezoneId,
            StorageState = signedIn ? _adminState : null,
        });
        WatchContentSecurityPolicy(context);
        return context;
    }

    private readonly ConcurrentDictionary<IBrowserContext, ConcurrentQueue<string>> _cspViolations = new();

    /// <summary>Chromium reports each blocked script, style, connection or frame on the console ("Refused to … because it
    /// violates the following Content Security Policy directive …"); every page of every context is watched.</summary>
    private void WatchContentSecurityPolicy(IBrowserContext context)
    {
        var violations = _cspViolations.GetOrAdd(context, _ => new ConcurrentQueue<string>());
        context.Page += (_, page) => page.Console += (_, m) =>
        {
            if (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violations.Enqueue($"{page.Url}: {m.Text}");
        };
    }

    /// <summary>What the Content-Security-Policy blocked in this context's pages (empty when the app works under it).</summary>
    public IReadOnlyCollection<string> CspViolations(IBrowserContext context) =>
        _cspViolations.TryGetValue(context, out var v) ? v.ToArray() : [];

    /// <summary>For a test that provokes violations on purpose.</summary>
    public void ForgetCspViolations(IBrowserContext context) => _cspViolations.TryRemove(context, out _);

    /// <summary>Throws when any page of any context hit the policy: a test that does not check it still fails the run.</summary>
    public void AssertNoCspViolations()
    {
        var all = _cspViolations.Values.SelectMany(v => v).ToList();
        if (all.Count > 0) throw new Xunit.Sdk.XunitException("Content-Security-Policy violations:\n" + string.Join("\n", all));
    }

    public static async Task SignInWithPasswordAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/signin");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(password);
        await page.Locator("[data-testid=signin-password]").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 30_000 });
    }

    public HttpClient ApiClient() => AuthFlows.TokenClient(new Uri(BaseUrl + "/"), AdminToken);

    /// <summary>The in-process Vapi simulator's own API (/_sim/config, /_sim/calls).</summary>
    public HttpClient SimulatorClient() => new() { BaseAddress = Services.GetRequiredService<AutoLynx.Features.Demo.DemoEnvironment>().Simulator!.BaseUrl };

    /// <summary>The simulator's Vapi API (POST /assistant …) with the key the app uses, as someone working in Vapi's dashboard.</summary>
    public HttpClient SimulatorVapiClient()
    {
        var client = SimulatorClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", Services.GetRequiredService<AutoLynx.Hosting.VapiConnection>().ApiKey);
        return client;
    }

    /// <summary>Allowlists <paramref name="email"/> as an operator (once), then signs them in on <paramref name="page"/> with an emailed link.</summary>
    public async Task SignInAsOperatorAsync(IPage page, string email)
    {
        using (var api = ApiClient())
        {
            var invite = await api.PostAsJsonAsync("api/allowlist", new { email, role = "Operator" });
            if (invite.StatusCode is not (System.Net.HttpStatusCode.Created or System.Net.HttpStatusCode.Conflict))
                throw new InvalidOperationException($"Allowlisting {email} answered {(int)invite.StatusCode}: {await invite.Content.ReadAsStringAsync()}");
        }
        await page.GotoAsync("/signin");
        await page.Locator("#magic-email").FillAsync(email);
        var asked = DateTimeOffset.UtcNow.AddSeconds(-1);
        await page.Locator("[data-testid=send-link]").ClickAsync();
        await page.Locator("[data-testid=link-sent]").WaitForAsync();
        var mail = await Mail.WaitForAsync(email, TimeSpan.FromSeconds(30), m => m.Date >= asked);
        await page.GotoAsync("/" + AuthFlows.LinkIn(mail.TextBody));
        await page.Locator("[data-testid=continue]").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal), new PageWaitForURLOptions { Timeout = 30_000 });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (_factory is not null) await _factory.DisposeAsync();
        await Mail.DisposeAsync();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            try { File.Delete(_dbPath + suffix); } catch (IOException) { }
        }
        AssertNoCspViolations();
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AutoLynx.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No AutoLynx.slnx above {AppContext.BaseDirectory}.");
    }

    private sealed class AppFactory(string dbPath, ConcurrentQueue<string> log, string adminToken, SmtpSink mail) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Database:Provider", "Sqlite");
            builder.UseSetting("ConnectionStrings:Default", $"Data Source={dbPath}");
            builder.UseSetting("Vapi:ApiKey", "");
            builder.UseSetting("Simulator:TimeScale", "0.005");
            builder.UseSetting("Simulator:Seed", "7");
            builder.UseSetting("Dialer:TickSeconds", "5");
            // Calls answered at 0.005 time scale report within a second; 8 s without a webhook is what the alert test provokes.
            builder.UseSetting("Vapi:WebhookStaleAfter", "00:00:08");
            builder.UseSetting("Compliance:DefaultRetry:MaxAttempts", "1");
            builder.UseSetting("Auth:BootstrapApiToken", adminToken);
            builder.UseSetting("Auth:RevalidateEvery", "00:00:02");
            foreach (var (k, v) in mail.AppSettings) builder.UseSetting(k, v);
            builder.ConfigureLogging(l => l.AddProvider(new QueueLoggerProvider(log)));
        }
    }

    private sealed class QueueLoggerProvider(ConcurrentQueue<string> log) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new QueueLogger(categoryName, log);
        public void Dispose() { }

        private sealed class QueueLogger(string category, ConcurrentQueue<string> log) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!IsEnabled(logLevel)) return;
                log.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
            }
        }
    }
}
