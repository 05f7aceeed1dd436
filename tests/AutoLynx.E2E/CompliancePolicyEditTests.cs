using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static AutoLynx.E2E.BlazorPage;

namespace AutoLynx.E2E;

/// <summary>
/// Issue 13 in the browser, after creation: the campaign page's Edit dialog changes the policy (the server's refusal
/// beside the field, the rules panel following), and a start scheduled on the New campaign page in the browser's own
/// time zone (Tokyo, far from the server's) is shown in it, stored in UTC, and happens by itself.
/// </summary>
public sealed class CompliancePolicyEditTests(E2EFixture app, ITestOutputHelper output) : UiTestBase(app, output), IClassFixture<E2EFixture>
{
    private const string Tokyo = "Asia/Tokyo";

    private static ILocator HelperError(IPage page, ILocator scope, string testId)
        => scope.Locator(".mud-input-control", new() { Has = page.Locator($"input[data-testid={testId}], [data-testid={testId}] input") })
            .Locator(".mud-input-helper-text.mud-input-error");

    [Fact(Timeout = 180_000)]
    public async Task EditDialog_CallingWindowChanged_RefusalBesideFieldThenRulesPanelFollows()
    {
        using var api = App.ApiClient();
        var policy = JsonSerializer.Serialize(new { callingWindow = new { days = new[] { "mon", "tue", "wed", "thu", "fri" }, from = "09:00", to = "17:00" } });
        var id = await E2EApi.CreateCampaignAsync(api, "Edit the hours", E2EApi.Csv(3, 81), policy: policy);

        var page = await NewPageAsync();
        await page.GotoAsync($"/campaigns/{id}");
        await WaitForCircuitAsync(page);
        await Expect(page.Locator("[data-testid=rules-hours]")).ToHaveTextAsync("Mon–Fri 09:00–17:00 in each contact's time zone");

        await page.Locator("[data-testid=edit]").ClickAsync();
        var dialog = page.Locator(".mud-dialog", new() { Has = page.Locator("[data-testid=edit-name]") });
        await Expect(dialog.Locator("[data-testid=policy-summary]")).ToContainTextAsync("Mon–Fri 09:00–17:00");
        await dialog.Locator("[data-testid=policy-panel] .mud-expand-panel-header").ClickAsync();
        await Expect(CheckBox(dialog, "policy-any-time")).Not.ToBeCheckedAsync();
        await Expect(Input(page, "policy-from")).ToHaveValueAsync("09:00");
        await Shot(page, "80-edit-dialog-policy");

        // A window that never opens: the server says so beside "To"; the dialog stays open and nothing is saved.
        await Input(page, "policy-from").FillAsync("10:00");
        await Input(page, "policy-to").FillAsync("08:00");
        await dialog.Locator("[data-testid=edit-save]").ClickAsync();
        await Expect(HelperError(page, dialog, "policy-to")).ToContainTextAsync("must be later than");
        await Expect(dialog).ToBeVisibleAsync();
        var stored = (await E2EApi.SummaryAsync(api, id)).GetProperty("policy").GetProperty("callingWindow");
        Assert.Equal("17:00", stored.GetProperty("to").GetString());
        await Shot(page, "81-edit-dialog-policy-error");

        await Input(page, "policy-to").FillAsync("18:00");
        await CheckBox(dialog, "policy-day-mon").UncheckAsync();
        await CheckBox(dialog, "policy-day-sat").CheckAsync();
        await dialog.Locator("[data-testid=edit-save]").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(page.Locator("[data-testid=rules-hours]")).ToHaveTextAsync("Tue, Wed, Thu, Fri, Sat 10:00–18:00 in each contact's time zone");
        stored = (await E2EApi.SummaryAsync(api, id)).GetProperty("policy").GetProperty("callingWindow");
        Assert.Equal(["tue", "wed", "thu", "fri", "sat"], stored.GetProperty("days").EnumerateArray().Select(d => d.GetString()!).ToArray());
        Assert.Equal("10:00", stored.GetProperty("from").GetString());

        // On a phone the dialog fits the screen, its fields one under the other.
        var narrow = await NewPageAsync(width: 390, height: 844);
        await narrow.GotoAsync($"/campaigns/{id}");
        await WaitForCircuitAsync(narrow);
        await narrow.Locator("[data-testid=edit]").ClickAsync();
        var small = narrow.Locator(".mud-dialog", new() { Has = narrow.Locator("[data-testid=edit-name]") });
        await small.Locator("[data-testid=policy-panel] .mud-expand-panel-header").ClickAsync();
        await Expect(Input(narrow, "policy-from")).ToHaveValueAsync("10:00");
        await Shot(narrow, "82-edit-dialog-policy-390");
        await small.Locator("[data-testid=policy-cps]").First.ScrollIntoViewIfNeededAsync();
        await Shot(narrow, "82b-edit-dialog-schedule-lines-390");
        Assert.True(await narrow.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 390"), "the page scrolls sideways at 390 px");
        Assert.True(await small.EvaluateAsync<bool>("d => d.getBoundingClientRect().right <= 390 && d.getBoundingClientRect().left >= 0"), "the dialog is wider than the screen");
    }

    [Fact(Timeout = 300_000)]
    public async Task NewCampaign_StartScheduledAMinuteAheadInBrowserTime_ShownStoredInUtcAndStartsByItself()
    {
        var csv = Path.Combine(Path.GetTempPath(), $"schedule-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(csv, E2EApi.Csv(2, 82));
        var tokyo = TimeZoneInfo.FindSystemTimeZoneById(Tokyo);
        var page = await NewPageAsync(timezoneId: Tokyo);
        await page.GotoAsync("/campaigns/new");
        await WaitForCircuitAsync(page);
        await UploadAsync(page, csv);
        await Input(page, "campaign-name").FillAsync("Starts by itself");
        await page.Locator("[data-testid=policy-panel] .mud-expand-panel-header").ClickAsync();
        var startField = page.Locator(".mud-input-control", new() { Has = page.Locator("input[data-testid=policy-start-at], [data-testid=policy-start-at] input") });
        await Expect(startField).ToContainTextAsync($"({Tokyo})");
        // With only one phone line there is nothing to pool: the choice says so instead of offering nothing.
        await Expect(page.Locator("[data-testid=policy-editor]").GetByText("No other active phone line")).ToBeVisibleAsync();

        // The next whole minute at least 30 s ahead (time enough to create the campaign first), typed in Tokyo time.
        var now = DateTime.UtcNow;
        var startUtc = new DateTime(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, DateTimeKind.Utc).AddMinutes(now.Second <= 30 ? 1 : 2);
        var typed = TimeZoneInfo.ConvertTimeFromUtc(startUtc, tokyo);
        await Input(page, "policy-start-at").FillAsync(typed.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture));
        await Input(page, "policy-cps").FillAsync("0.5");
        await Input(page, "policy-cps").PressAsync("Tab");
        await Expect(page.Locator("[data-testid=policy-summary]")).ToContainTextAsync($"starts {typed:yyyy-MM-dd HH:mm}");
        await Shot(page, "83-new-campaign-schedule", fullPage: true);
        await page.Locator("[data-testid=create-campaign]").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex(@"/campaigns/\d+$"));
        var id = long.Parse(Regex.Match(page.Url, @"/campaigns/(\d+)$").Groups[1].Value);
        await Expect(page.Locator("[data-testid=campaign-rules]")).ToContainTextAsync($"Schedule (your time: {Tokyo})");
        await Expect(page.Locator("[data-testid=rules-schedule]")).ToHaveTextAsync($"Starts by itself at {typed:yyyy-MM-dd HH:mm}.");
        await Expect(page.Locator("[data-testid=rules-limits]")).ToContainTextAsync("at most 0.5 call starts per second");
        using var api = App.ApiClient();
        var stored = (await E2EApi.SummaryAsync(api, id)).GetProperty("policy");
        Assert.Equal(startUtc, stored.GetProperty("startAt").GetDateTime().ToUniversalTime());
        Assert.Equal(0.5, stored.GetProperty("callStartsPerSecond").GetDouble());
        await Expect(page.Locator("[data-testid=campaign-status] [data-status]")).ToHaveAttributeAsync("data-status", "CREATED");
        await Shot(page, "84-campaign-scheduled", fullPage: true);

        // Nobody presses Start: it starts at that minute, and the page follows live.
        await Expect(page.Locator("[data-testid=campaign-status] [data-status]")).Not.ToHaveAttributeAsync("data-status", "CREATED", new() { Timeout = 200_000 });
        var started = (await E2EApi.SummaryAsync(api, id)).GetProperty("startedAt").GetDateTime().ToUniversalTime();
        Assert.True(started >= startUtc, $"started at {started:O}, before its scheduled {startUtc:O}");
        await Expect(page.Locator("[data-testid=rules-schedule]")).ToHaveTextAsync($"Was set to start at {typed:yyyy-MM-dd HH:mm}.");

        var narrow = await NewPageAsync(width: 390, height: 844, timezoneId: Tokyo);
        await narrow.GotoAsync("/campaigns/new");
        await WaitForCircuitAsync(narrow);
        await narrow.Locator("[data-testid=policy-panel] .mud-expand-panel-header").ClickAsync();
        await CheckBox(narrow.Locator("body"), "policy-any-time").UncheckAsync();
        await Shot(narrow, "85-new-campaign-policy-schedule-390", fullPage: true);
        Assert.True(await narrow.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 390"), "the page scrolls sideways at 390 px");
    }
}
