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

    /// <summary>The checkbox input of a MudCheckBox, wherever its data-testid landed (the input or a wrapper).</summary>
    public static ILocator CheckBox(ILocator scope, string testId)
        => scope.Locator($"input[data-testid={testId}], [data-testid={testId}] input").First;

    /// <summary>
    /// A prerendered Blazor Server page ignores events until its circuit is attached. Toggle the navigation drawer
    /// (pure client/server round trip, no side effects) until it reacts, then put it back as it was (open on wide
    /// screens, closed on narrow ones).
    /// </summary>
    public static async Task WaitForCircuitAsync(IPage page)
    {
        var toggle = page.Locator("[aria-label='Toggle navigation']");
        var drawer = page.Locator(".mud-drawer").First;
        async Task<bool> IsOpen() => (await drawer.GetAttributeAsync("class") ?? "").Contains("mud-drawer--open", StringComparison.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        // A change of the drawer's classes proves the circuit is attached (the prerendered page never changes them). Watched
        // over the whole body: the interactive render may replace the prerendered drawer element.
        await page.EvaluateAsync("""
            () => {
              window.__drawerChanged = false;
              new MutationObserver(records => {
                if (records.some(r => r.target.classList && r.target.classList.contains('mud-drawer'))) window.__drawerChanged = true;
              }).observe(document.body, { attributes: true, subtree: true, attributeFilter: ['class'] });
            }
            """);
        while (!await page.EvaluateAsync<bool>("() => window.__drawerChanged"))
        {
            try
            {
                await toggle.ClickAsync(new() { Timeout = 2000 });
            }
            catch (TimeoutException) when (DateTime.UtcNow < deadline) { } // the drawer's overlay is over it: then it has opened
            await page.WaitForTimeoutAsync(300);
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The page's circuit did not attach within 30 s.");
        }
        // Then as the layout has it at this width: open beside the page on wide screens, closed on narrow ones. A click
        // can be lost while the page re-renders (live updates), so try again until it is.
        var wide = (page.ViewportSize?.Width ?? 1280) >= 960;
        while (await IsOpen() != wide)
        {
            // On a narrow screen the open drawer lies over the page (app bar included): a tap beside it closes it.
            if (!wide) await page.Locator(".mud-drawer-overlay").ClickAsync(new() { Position = new() { X = page.ViewportSize!.Width - 20, Y = 400 } });
            else await toggle.ClickAsync();
            try
            {
                await Expect(drawer).ToHaveClassAsync(new Regex(wide ? "mud-drawer--open" : "mud-drawer--closed"), new() { Timeout = 2000 });
            }
            catch (PlaywrightException) when (DateTime.UtcNow < deadline.AddSeconds(30)) { }
        }
        // Leave no focus ring on the menu button in the screenshots.
        await page.EvaluateAsync("() => document.activeElement && document.activeElement.blur()");
        await page.Mouse.MoveAsync(120, 700); // empty drawer area: no hover halo on the menu button either
    }

    /// <summary>
    /// Sets the file on the New campaign page's InputFile and waits for what follows it (the preview, the mapping step or an
    /// error).
    /// </summary>
    public static Task UploadAsync(IPage page, string path) => UploadAsync(page.Locator("input#csv-input"),
        page.Locator("[data-testid=import-summary], [data-testid=file-error], [data-testid=mapping-step]"), path);

    /// <summary>
    /// Sets the file on an InputFile and waits for <paramref name="settled"/> (what the page shows once it has read it); sets it
    /// again if the change event was lost before the circuit was up or while it was busy.
    /// </summary>
    public static async Task UploadAsync(ILocator input, ILocator settled, string path)
    {
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

    /// <summary>
    /// Clicks <paramref name="button"/> until <paramref name="settled"/> reaches <paramref name="state"/>: a click that lands
    /// before the circuit is up is lost and made again; a button that is gone by the next try (the first click worked) is fine.
    /// </summary>
    public static async Task ClickUntilAsync(ILocator button, ILocator settled, WaitForSelectorState state = WaitForSelectorState.Visible)
    {
        for (var attempt = 1; ; attempt++)
        {
            try { await button.ClickAsync(new() { Timeout = 5_000 }); }
            catch (Exception e) when (e is TimeoutException or PlaywrightException) { } // gone meanwhile: the wait decides
            try
            {
                await settled.WaitForAsync(new() { State = state, Timeout = 5_000 });
                return;
            }
            catch (Exception e) when ((e is TimeoutException or PlaywrightException) && attempt < 3) { }
        }
    }

    /// <summary>Creates an API token on the signed-in person's account page and returns it (to act as them through the API).</summary>
    public static async Task<string> CreateTokenInBrowserAsync(IPage page)
    {
        await page.GotoAsync("/account");
        await WaitForCircuitAsync(page);
        await Input(page, "token-name").FillAsync("e2e test");
        await page.Locator("[data-testid=create-token]").ClickAsync();
        return await page.Locator("[data-testid=token-value]").InnerTextAsync();
    }

    /// <summary>A screenshot in artifacts/screenshots/, once MudBlazor's transitions (chips, progress bar, snackbar) have settled.</summary>
    public static async Task Shot(IPage page, string name, bool fullPage = false)
    {
        await page.WaitForTimeoutAsync(400);
        await page.ScreenshotAsync(new() { Path = Path.Combine(E2EFixture.ScreenshotDir, name + ".png"), FullPage = fullPage });
    }
}
