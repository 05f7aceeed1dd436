using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static AutoLynx.E2E.BlazorPage;

namespace AutoLynx.E2E;

/// <summary>The fixture's CSP guard sees what the policy blocks (so that "no violations" in every other browser test
/// means something), and every page under the policy still runs Blazor: the circuit connects and the UI answers.</summary>
[Collection(FirstHourCollection.Name)]
public sealed class ContentSecurityPolicyTests(E2EFixture app, ITestOutputHelper output) : UiTestBase(app, output)
{
    [Fact(Timeout = 120_000)]
    public async Task InjectedInlineScript_Blocked_AndReportedByTheGuard()
    {
        await using var context = await App.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.querySelector('.mud-layout') !== null");
        // An inline script without the nonce must not run (an allowed one runs as it is appended), and the page says why.
        var directive = await page.EvaluateAsync<string>("""
            () => new Promise(resolve => {
              document.addEventListener('securitypolicyviolation', e => resolve(e.effectiveDirective), { once: true });
              const s = document.createElement('script');
              s.textContent = 'window.__injected = true';
              document.body.appendChild(s);
            })
            """);
        Assert.StartsWith("script-src", directive);
        Assert.False(await page.EvaluateAsync<bool>("() => window.__injected === true"), "an inline script without the nonce ran");
        // The guard every other browser test relies on heard of it too (console messages arrive on their own).
        for (var i = 0; i < 100 && App.CspViolations(context).Count == 0; i++) await Task.Delay(100);
        Assert.Contains(App.CspViolations(context), v => v.Contains("script-src", StringComparison.Ordinal));
        App.ForgetCspViolations(context);
    }

    [Fact(Timeout = 300_000)]
    public async Task EveryNavigationPage_RunsInteractively_WithoutViolations()
    {
        // Something on the pages that draw it: a finished campaign (contacts, a call with a recording) and its analytics.
        using (var sim = App.SimulatorClient()) await E2EApi.SimConfigAsync(sim, E2EApi.Outcomes(talked: 1));
        using var api = App.ApiClient();
        var id = await E2EApi.CreateCampaignAsync(api, "Under the policy", E2EApi.Csv(3, 41), cap: 10);
        await E2EApi.StartAsync(api, id);
        await E2EApi.WaitForStatusAsync(api, id, "COMPLETED");

        var page = await NewPageAsync();
        await page.GotoAsync("/");
        await WaitForCircuitAsync(page);
        // Every link of the navigation, as the admin sees it (a page added later is covered without touching this test).
        var links = (await page.Locator(".mud-drawer a.mud-nav-link").EvaluateAllAsync<string[]>("as => as.map(a => a.getAttribute('href'))"))
            .Distinct().ToList();
        Assert.Contains("/analytics", links);
        Assert.Contains("/admin/webhooks", links);
        foreach (var href in links.Append($"/campaigns/{id}"))
        {
            // A full load each time: the page's own response, its own nonce, a new circuit.
            var response = await page.GotoAsync(href);
            Assert.True(response is { Ok: true }, $"{href} answered {response?.Status}");
            Assert.Contains("script-src", (await response!.AllHeadersAsync())["content-security-policy"]);
            if (href.StartsWith("/docs", StringComparison.Ordinal))
            {
                // The API reference is Scalar's page, not Blazor's: its scripts run under the response's nonce and draw it.
                await Expect(page.GetByText("AutoLynx API").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
            }
            else
            {
                await WaitForCircuitAsync(page); // a click reached the server and the page changed: interactive
                await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
            }
            Assert.True(App.CspViolations(page.Context).Count == 0, $"on {href}:\n" + string.Join("\n", App.CspViolations(page.Context)));
        }

        // The pieces with their own scripts, styles or media: Analytics' charts drawn, the recording's player loading it.
        await page.GotoAsync("/analytics");
        await WaitForCircuitAsync(page);
        await Expect(page.Locator(".mud-chart svg").First).ToBeVisibleAsync();
        await Shot(page, "90-analytics-under-csp");

        await page.GotoAsync($"/campaigns/{id}");
        await WaitForCircuitAsync(page);
        await ClickUntilAsync(page.Locator("[data-testid=contact-open]").First, page.Locator("[data-testid=call-card]").First);
        var audio = page.Locator("audio[data-testid=recording]").First;
        var seconds = await audio.EvaluateAsync<double>("""
            a => new Promise((resolve, reject) => {
              if (a.readyState >= 1) return resolve(a.duration);
              a.addEventListener('loadedmetadata', () => resolve(a.duration));
              a.addEventListener('error', () => reject(new Error('audio error ' + (a.error && a.error.code))));
              a.load();
            })
            """);
        Assert.True(seconds > 0, $"recording lasts {seconds} s");
        await Shot(page, "91-recording-under-csp");
        Assert.True(App.CspViolations(page.Context).Count == 0, string.Join("\n", App.CspViolations(page.Context)));
    }
}
