using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AutoLynx.E2E;

/// <summary>What every browser test needs from a Blazor Server + MudBlazor page.</summary>
internal static class BlazorPage
{
    /// <summary>The text input behind a MudBlazor field, wherever the data-testid landed (input, textarea or wrapper).</summary>
    public static ILocator Input(IPage page, string testId)
        => page.Locator($"input[data-testid={testId}], textarea[data-testid={testId}], [data-testid={testId}] input, [data-testid={testId}] textarea").First;

    /// <summary>
    /// A prerendered Blazor Server page ignores events until its circuit is attached. Toggle the navigation drawer
    /// (pure client/server round trip, no side effects) until it reacts, then put it back.
    /// </summary>
    public static async Task WaitForCircuitAsync(IPage page)
    {
        var toggle = page.Locator("[aria-label='Toggle navigation']");
        var drawer = page.Locator(".mud-drawer").First;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await toggle.ClickAsync();
            try
            {
                await Expect(drawer).ToHaveClassAsync(new Regex("mud-drawer--closed"), new() { Timeout = 500 });
                break;
            }
            catch (PlaywrightException) when (DateTime.UtcNow < deadline) { }
        }
        // And back open; a click can be lost while the page re-renders (live updates), so try again until it opens.
        while (true)
        {
            await toggle.ClickAsync();
            try
            {
                await Expect(drawer).ToHaveClassAsync(new Regex("mud-drawer--open"), new() { Timeout = 2000 });
                break;
            }
            catch (PlaywrightException) when (DateTime.UtcNow < deadline.AddSeconds(30)) { }
        }
        // Leave no focus ring on the menu button in the screenshots.
        await page.EvaluateAsync("() => document.activeElement && document.activeElement.blur()");
        await page.Mouse.MoveAsync(120, 700); // empty drawer area: no hover halo on the menu button either
    }

    /// <summary>
    /// Sets the file on the New campaign page's InputFile and waits for what follows it (the preview, the mapping step or an
    /// error); sets it again if the change event was lost before the circuit was up.
    /// </summary>
    public static async Task UploadAsync(IPage page, string path)
    {
        var input = page.Locator("input#csv-input");
        var settled = page.Locator("[data-testid=import-summary], [data-testid=file-error], [data-testid=mapping-step]");
        for (var attempt = 1; ; attempt++)
        {
            await input.SetInputFilesAsync(path);
            try
            {
                await settled.First.WaitForAsync(new() { Timeout = 10_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
                await input.SetInputFilesAsync(Array.Empty<string>());
            }
        }
    }

    /// <summary>A screenshot in artifacts/screenshots/, once MudBlazor's transitions (chips, progress bar, snackbar) have settled.</summary>
    public static async Task Shot(IPage page, string name, bool fullPage = false)
    {
        await page.WaitForTimeoutAsync(400);
        await page.ScreenshotAsync(new() { Path = Path.Combine(E2EFixture.ScreenshotDir, name + ".png"), FullPage = fullPage });
    }
}
