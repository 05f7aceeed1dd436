using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static AutoLynx.E2E.BlazorPage;

namespace AutoLynx.E2E;

/// <summary>
/// The admin's Webhooks page in Chromium: reached from the navigation, an endpoint added (its secret shown once), the
/// delivery log of a failing endpoint with its attempts and a Redeliver button; an operator neither sees nor opens it.
/// </summary>
public sealed class WebhooksPageTests(E2EFixture app, ITestOutputHelper output) : UiTestBase(app, output), IClassFixture<E2EFixture>
{
    [Fact(Timeout = 120_000)]
    public async Task WebhooksPage_AddEndpointAndReadItsLog_SecretOnceAndRedeliver()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/campaigns");
        await WaitForCircuitAsync(page);
        await page.Locator("[data-testid=nav-webhooks]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/webhooks$"));
        await Expect(page.Locator("[data-testid=webhook-endpoints]")).ToContainTextAsync("No endpoints yet");

        // A public address that cannot answer here (no internet): the delivery fails and is retried.
        await Input(page, "webhook-url").FillAsync("https://93.184.216.34/hooks/autolynx");
        await page.Locator("[data-testid=webhook-add]").ClickAsync();
        await Expect(page.Locator("[data-testid=webhook-secret]")).ToContainTextAsync("whsec_");
        await Expect(page.Locator("[data-testid=webhook-endpoints]")).ToContainTextAsync("93.184.216.34");
        await Shot(page, "60-webhooks-added");

        // A refused target says why.
        await Input(page, "webhook-url").FillAsync("http://10.0.0.5/hook");
        await page.Locator("[data-testid=webhook-add]").ClickAsync();
        await Expect(page.Locator("[data-testid=webhook-error]")).ToContainTextAsync("private address");

        using (var api = App.ApiClient())
        {
            (await api.PatchAsJsonAsync("api/webhook-endpoints/1", new { events = new[] { "*" } })).EnsureSuccessStatusCode();
            (await api.PostAsJsonAsync("api/dnc", new { number = "+14155550123", reason = "asked" })).EnsureSuccessStatusCode();
        }
        await page.ReloadAsync();
        await WaitForCircuitAsync(page);
        await Expect(page.Locator("[data-testid=webhook-secret]")).ToHaveCountAsync(0); // shown once, gone after a reload
        await page.Locator("[data-testid=webhook-endpoints] button", new() { HasText = "Log" }).First.ClickAsync();
        await Expect(page.Locator("[data-testid=webhook-log]")).ToContainTextAsync("contact.dnc_added");
        await Expect(page.Locator("[data-testid=webhook-log]")).ToContainTextAsync("no answer", new() { Timeout = 40_000 });
        await Expect(page.Locator("[data-testid^=redeliver-]").First).ToBeVisibleAsync();
        await Shot(page, "61-webhooks-log", fullPage: true);

        var narrow = await NewPageAsync(width: 390, height: 844);
        await narrow.GotoAsync("/admin/webhooks");
        await WaitForCircuitAsync(narrow);
        await Expect(narrow.Locator("[data-testid=webhook-endpoints]")).ToContainTextAsync("93.184.216.34");
        await Shot(narrow, "62-webhooks-narrow", fullPage: true);
    }

    [Fact(Timeout = 120_000)]
    public async Task WebhooksPage_Operator_NotInNavigationAndRefused()
    {
        var page = await NewPageAsync(signedIn: false);
        await App.SignInAsOperatorAsync(page, "webhook.operator@example.com");
        await WaitForCircuitAsync(page);
        await Expect(page.Locator("[data-testid=nav-dnc]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=nav-webhooks]")).ToHaveCountAsync(0);
        await page.GotoAsync("/admin/webhooks");
        await Expect(page).ToHaveURLAsync(new Regex("/access-denied"));
    }
}
