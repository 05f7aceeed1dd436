using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static AutoLynx.E2E.BlazorPage;

namespace AutoLynx.E2E;

/// <summary>The interactive API reference at /docs (Scalar): reached from the navigation, drawn without any other host.</summary>
[Collection(FirstHourCollection.Name)]
public sealed class ApiReferenceTests(E2EFixture app, ITestOutputHelper output) : UiTestBase(app, output)
{
    [Fact(Timeout = 120_000)]
    public async Task Navigation_ApiReference_OpensScalarServedByTheAppAlone()
    {
        var page = await NewPageAsync();
        var requested = new List<string>();
        page.Context.Request += (_, r) => { lock (requested) requested.Add(r.Url); };
        await page.GotoAsync("/");
        await WaitForCircuitAsync(page);

        var docs = await page.Context.RunAndWaitForPageAsync(() => page.Locator("[data-testid=nav-api-docs]").ClickAsync());
        await docs.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.EndsWith("/docs", new Uri(docs.Url).AbsolutePath.TrimEnd('/'));
        // Drawn from the served document: its title and an operation's summary.
        await Expect(docs.GetByText("AutoLynx API").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await docs.GetByRole(AriaRole.Link, new() { Name = "Campaigns", Exact = true }).First.ClickAsync();
        await Expect(docs.GetByRole(AriaRole.Heading, new() { Name = "Campaigns", Exact = true }).First).ToBeVisibleAsync();
        await Expect(docs.GetByText("Creates a campaign from a contact file").First).ToBeVisibleAsync();
        await Shot(docs, "70-api-reference");

        lock (requested)
        {
            Assert.Contains(requested, u => u.EndsWith("/openapi/v1.json", StringComparison.Ordinal));
            // Everything from the app itself: no CDN, no fonts service, no telemetry (the machine has no internet anyway).
            var elsewhere = requested.Where(u => u.StartsWith("http", StringComparison.Ordinal) && !u.StartsWith(App.BaseUrl, StringComparison.Ordinal)).ToList();
            Assert.True(elsewhere.Count == 0, "requests to other hosts:\n" + string.Join("\n", elsewhere));
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Docs_SignedOut_GoesToSignIn()
    {
        var page = await NewPageAsync(signedIn: false);
        await page.GotoAsync("/docs");
        Assert.Contains("/signin", new Uri(page.Url).AbsolutePath);
    }
}
