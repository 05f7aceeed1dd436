using Microsoft.Playwright;
using Xunit.Abstractions;

namespace AutoLynx.E2E;

/// <summary>
/// Pages opened by a test, with browser errors and the server's warnings printed when it ends, and screenshots saved
/// under artifacts/screenshots/ (looked at by a person, not compared by the test).
/// </summary>
public abstract class UiTestBase(E2EFixture app, ITestOutputHelper output) : IAsyncLifetime
{
    protected E2EFixture App { get; } = app;
    protected ITestOutputHelper Output { get; } = output;
    private readonly List<IBrowserContext> _contexts = [];
    private readonly List<string> _browserErrors = [];

    protected async Task<IPage> NewPageAsync(bool signedIn = true, int width = 1280, int height = 800, ColorScheme? colorScheme = null,
        string? timezoneId = null)
    {
        var context = await App.NewContextAsync(signedIn, width, height, colorScheme, timezoneId);
        context.SetDefaultTimeout(15_000);
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.Console += (_, m) => { if (m.Type == "error") lock (_browserErrors) _browserErrors.Add($"console: {m.Text}"); };
        page.PageError += (_, e) => { lock (_browserErrors) _browserErrors.Add($"pageerror: {e}"); };
        return page;
    }

    protected static async Task Shot(IPage page, string name, bool fullPage = false)
    {
        await page.WaitForTimeoutAsync(400); // MudBlazor transitions settle
        await page.ScreenshotAsync(new() { Path = Path.Combine(E2EFixture.ScreenshotDir, name + ".png"), FullPage = fullPage });
    }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        lock (_browserErrors) foreach (var e in _browserErrors) Output.WriteLine($"[browser] {e}");
        while (App.ServerLog.TryDequeue(out var line)) Output.WriteLine($"[server] {line}");
        var csp = _contexts.SelectMany(App.CspViolations).ToList();
        foreach (var c in _contexts) await c.DisposeAsync();
        Assert.True(csp.Count == 0, "Content-Security-Policy violations:\n" + string.Join("\n", csp));
    }
}
