using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static AutoLynx.E2E.BlazorPage;

namespace AutoLynx.E2E;

/// <summary>The frame around every page: narrow screens, dark mode, confirmations, and a look at every page at three sizes.</summary>
[Collection(FirstHourCollection.Name)]
public sealed class LayoutTests(E2EFixture app, ITestOutputHelper output) : UiTestBase(app, output)
{
    public static readonly (int Width, int Height)[] Sizes = [(1280, 800), (1440, 900), (390, 844)];

    [Fact(Timeout = 120_000)]
    public async Task Account_RevokeToken_AsksBeforeRevoking()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/account");
        await WaitForCircuitAsync(page);
        await Input(page, "token-name").FillAsync("revoke me");
        await page.Locator("[data-testid=create-token]").ClickAsync();
        var row = page.Locator("[data-testid=token-table] tr", new() { HasText = "revoke me" });
        await Expect(row).ToContainTextAsync("active");

        await row.Locator("button", new() { HasText = "Revoke" }).ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Expect(dialog).ToContainTextAsync("revoke me");
        await Shot(page, "51-revoke-token-confirm");
        await dialog.Locator("button", new() { HasText = "Cancel" }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(row).ToContainTextAsync("active");

        await row.Locator("button", new() { HasText = "Revoke" }).ClickAsync();
        await page.Locator(".mud-dialog button", new() { HasText = "Revoke token" }).ClickAsync();
        await Expect(row).ToContainTextAsync("revoked");
    }

    [Fact(Timeout = 180_000)]
    public async Task Narrow390_AccountButtonFitsAndContactsAreLabelled()
    {
        using var api = App.ApiClient();
        var id = await E2EApi.CreateCampaignAsync(api, "Narrow", E2EApi.Csv(30, 20));
        var page = await NewPageAsync(width: 390, height: 844);
        await page.GotoAsync("/");
        await WaitForCircuitAsync(page);
        var account = page.Locator("[data-testid=user-chip]");
        await Expect(account).ToBeVisibleAsync();
        var box = (await account.BoundingBoxAsync())!;
        Assert.True(box.X >= 0 && box.X + box.Width <= 390, $"account button at x={box.X}..{box.X + box.Width}, screen 390 wide");
        await AssertNoSidewaysScrollAsync(page);
        await account.ClickAsync();
        await Expect(page.Locator(".mud-popover-open")).ToContainTextAsync(App.AdminEmail);
        await page.Keyboard.PressAsync("Escape");

        await page.GotoAsync($"/campaigns/{id}");
        await WaitForCircuitAsync(page);
        var cells = page.Locator("[data-testid=contacts-table] tbody tr td:visible");
        await Expect(cells.First).ToBeVisibleAsync();
        var labels = await cells.EvaluateAllAsync<string[]>("tds => tds.map(td => td.getAttribute('data-label') || '')");
        Assert.NotEmpty(labels);
        Assert.All(labels, l => Assert.False(string.IsNullOrWhiteSpace(l), "a stacked cell without its label"));
        // The label is on screen (MudBlazor draws it before the value), not only in the markup.
        var drawn = await cells.EvaluateAllAsync<string[]>("tds => tds.map(td => getComputedStyle(td, '::before').content)");
        Assert.Contains("\"Phone\"", drawn);
        Assert.All(drawn, d => Assert.NotEqual("none", d));
        await AssertNoSidewaysScrollAsync(page);
        await Shot(page, "52-narrow-campaign", fullPage: true);
    }

    [Fact(Timeout = 120_000)]
    public async Task DarkMode_FollowsSystemPreference_ToggleOverridesAndSticks()
    {
        var dark = await NewPageAsync(colorScheme: ColorScheme.Dark);
        await dark.GotoAsync("/");
        await WaitForCircuitAsync(dark);
        await Expect(dark.Locator("[data-testid=theme-toggle]")).ToBeVisibleAsync();
        await WaitForBackgroundAsync(dark, isDark: true);
        await Shot(dark, "53-dark-mode");

        // The toggle overrides the system and is remembered on this browser.
        await dark.Locator("[data-testid=theme-toggle]").ClickAsync();
        await WaitForBackgroundAsync(dark, isDark: false);
        await dark.ReloadAsync();
        await WaitForCircuitAsync(dark);
        await WaitForBackgroundAsync(dark, isDark: false);

        var light = await NewPageAsync(colorScheme: ColorScheme.Light);
        await light.GotoAsync("/");
        await WaitForCircuitAsync(light);
        await WaitForBackgroundAsync(light, isDark: false);
        await light.Locator("[data-testid=theme-toggle]").ClickAsync();
        await WaitForBackgroundAsync(light, isDark: true);
    }

    /// <summary>
    /// Every navigation entry, a new and a finished campaign's page, a contact's calls and the not-found page, at
    /// 1280×800, 1440×900 and 390×844: screenshots, nothing wider than the screen, no table scrolled sideways.
    /// </summary>
    [Fact(Timeout = 480_000)]
    public async Task EveryPage_ThreeSizes_FitsTheScreen()
    {
        using var api = App.ApiClient();
        using var sim = App.SimulatorClient();
        var id = await E2EApi.CreateCampaignAsync(api, "Screenshot pass", E2EApi.Csv(8, 21));
        await E2EApi.SimConfigAsync(sim, E2EApi.Outcomes(talked: 2, noAnswer: 1, busy: 1, voicemail: 1));
        var finished = await E2EApi.CreateCampaignAsync(api, "Screenshot pass — finished", E2EApi.Csv(12, 22), cap: 10);
        await E2EApi.StartAsync(api, finished);
        await E2EApi.WaitForStatusAsync(api, finished, "COMPLETED");
        var talkedTo = (await E2EApi.ContactsAsync(api, finished)).EnumerateArray()
            .First(c => c.GetProperty("lastOutcome").GetString() == "talked").GetProperty("name").GetString()!;
        foreach (var (w, h) in Sizes)
        {
            var page = await NewPageAsync(width: w, height: h);
            await page.GotoAsync("/");
            await WaitForCircuitAsync(page);
            // The app's own pages; the API reference opens in a new tab and is Scalar's page (ApiReferenceTests, ContentSecurityPolicyTests).
            var entries = await page.Locator(".mud-navmenu a.mud-nav-link").EvaluateAllAsync<string[]>(
                "as => as.filter(a => a.getAttribute('target') !== '_blank').map(a => a.getAttribute('href'))");
            Assert.Contains("/campaigns", entries);
            var paths = entries.Distinct().Concat([$"/campaigns/{id}", $"/campaigns/{finished}", "/no-such-page"]).ToList();
            foreach (var path in paths)
            {
                await page.GotoAsync(path);
                await WaitForCircuitAsync(page);
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                var name = $"60-{w}x{h}{(path == "/" ? "-home" : Regex.Replace(path, "[^a-z0-9]+", "-"))}";
                await Shot(page, name, fullPage: true);
                Output.WriteLine($"{w}x{h} {path} → {name}.png");
                await AssertNoSidewaysScrollAsync(page, path);
                await AssertNoTableScrolledSidewaysAsync(page, $"{path} at {w}px");
                var account = (await page.Locator("[data-testid=user-chip]").BoundingBoxAsync())!;
                Assert.True(account.X + account.Width <= w, $"{path} at {w}px: account button ends at {account.X + account.Width}");
            }

            // A contact's calls over the finished campaign's page.
            await page.GotoAsync($"/campaigns/{finished}");
            await WaitForCircuitAsync(page);
            await page.Locator("[data-testid=contact-open]", new() { HasText = talkedTo }).ClickAsync();
            var drawer = page.Locator("[data-testid=contact-drawer]");
            await Expect(drawer.Locator("[data-testid=call-card]")).ToHaveCountAsync(1);
            await Shot(page, $"60-{w}x{h}-contact-drawer");
            var sheet = (await page.Locator(".al-side-sheet").BoundingBoxAsync())!;
            Assert.True(sheet.X >= 0 && sheet.X + sheet.Width <= w + 1, $"side sheet at x={sheet.X}..{sheet.X + sheet.Width} on a {w} px screen");
        }
    }

    /// <summary>A table cut off at the screen's edge and scrolled inside its card hides columns: narrow tables stack instead.</summary>
    private static async Task AssertNoTableScrolledSidewaysAsync(IPage page, string what)
    {
        var wide = await page.Locator(".mud-table-container").EvaluateAllAsync<string[]>("""
            els => els.filter(e => e.scrollWidth > e.clientWidth + 1)
                      .map(e => `${e.closest('[data-testid]')?.getAttribute('data-testid') ?? 'table'} ${e.scrollWidth}>${e.clientWidth}`)
            """);
        Assert.True(wide.Length == 0, $"{what}: tables scrolled sideways: {string.Join(", ", wide)}");
    }

    private static async Task AssertNoSidewaysScrollAsync(IPage page, string? what = null)
    {
        var size = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        var (scroll, client) = (size[0], size[1]);
        Assert.True(scroll <= client + 1, $"{what ?? page.Url}: page is {scroll} px wide on a {client} px screen");
    }

    private static async Task WaitForBackgroundAsync(IPage page, bool isDark)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        double luminance;
        while (true)
        {
            luminance = await page.EvaluateAsync<double>("""
                () => {
                  const c = getComputedStyle(document.querySelector('.mud-main-content') || document.body).backgroundColor;
                  const bodyC = getComputedStyle(document.body).backgroundColor;
                  const pick = (c === 'rgba(0, 0, 0, 0)' || c === 'transparent') ? bodyC : c;
                  const [r, g, b] = pick.match(/\d+(\.\d+)?/g).map(Number);
                  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
                }
                """);
            if (isDark ? luminance < 0.3 : luminance > 0.7) return;
            if (DateTime.UtcNow > deadline) break;
            await page.WaitForTimeoutAsync(200);
        }
        Assert.Fail($"background luminance {luminance:0.00}, expected {(isDark ? "dark" : "light")}");
    }
}
