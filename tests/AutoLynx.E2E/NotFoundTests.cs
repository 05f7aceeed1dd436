using System.Text.RegularExpressions;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static AutoLynx.E2E.BlazorPage;

namespace AutoLynx.E2E;

/// <summary>An address that does not exist answers the app's own page (404) with a way back; the API keeps ProblemDetails.</summary>
[Collection(FirstHourCollection.Name)]
public sealed class NotFoundTests(E2EFixture app, ITestOutputHelper output) : UiTestBase(app, output)
{
    [Theory(Timeout = 60_000)]
    [InlineData("/no-such-page")]
    [InlineData("/campaigns/7/nothing-here")]
    public async Task UnknownAddress_SignedIn_AnswersNotFoundPageWithWayBack(string path)
    {
        var page = await NewPageAsync();
        var response = await page.GotoAsync(path);
        Assert.Equal(404, response!.Status);
        Assert.StartsWith("text/html", response.Headers["content-type"], StringComparison.Ordinal);
        await Expect(page.Locator("[data-testid=not-found]")).ToHaveTextAsync("Page not found");
        await Expect(page.Locator("[data-testid=user-chip]")).ToBeVisibleAsync(); // inside the app's layout, navigation and all
        await Expect(page.Locator(".mud-main-content")).ToContainTextAsync(path);
        await Shot(page, "42-not-found" + path.Replace('/', '-'));
        await WaitForCircuitAsync(page);
        await page.Locator("[data-testid=not-found-home]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/campaigns$"));
        await Expect(page.Locator("h4", new() { HasText = "Campaigns" })).ToBeVisibleAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task UnknownAddress_InsideTheApp_ShowsNotFoundWithoutReload()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/");
        await WaitForCircuitAsync(page);
        await page.EvaluateAsync("() => { window.__marker = 1; Blazor.navigateTo('/no-such-page-either'); }");
        await Expect(page.Locator("[data-testid=not-found]")).ToHaveTextAsync("Page not found");
        Assert.Equal(1, await page.EvaluateAsync<int?>("() => window.__marker ?? null"));
    }

    [Fact(Timeout = 60_000)]
    public async Task UnknownApiAddress_AnswersProblemDetails()
    {
        using var api = App.ApiClient();
        using var resp = await api.GetAsync("api/no-such-thing");
        Assert.Equal(404, (int)resp.StatusCode);
        Assert.Equal("application/problem+json", resp.Content.Headers.ContentType?.MediaType);
        using var missing = await api.GetAsync("api/campaigns/987654");
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Contains("There is no campaign with id 987654", await missing.Content.ReadAsStringAsync());
    }

    [Fact(Timeout = 60_000)]
    public async Task UnknownAddress_SignedOut_GoesToSignIn()
    {
        var page = await NewPageAsync(signedIn: false);
        await page.GotoAsync("/no-such-page");
        await Expect(page).ToHaveURLAsync(new Regex("/signin\\?ReturnUrl=%2Fno-such-page$"));
    }
}
