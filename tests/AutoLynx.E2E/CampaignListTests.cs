using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AutoLynx.Testing;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static AutoLynx.E2E.BlazorPage;

namespace AutoLynx.E2E;

/// <summary>The home page lists exactly the campaigns the viewer may see: an admin everyone's, an operator their own.</summary>
[Collection(FirstHourCollection.Name)]
public sealed class CampaignListTests(E2EFixture app, ITestOutputHelper output) : UiTestBase(app, output)
{
    [Fact(Timeout = 180_000)]
    public async Task CampaignList_AdminAndOperator_SeeExactlyTheCampaignsEachMaySee()
    {
        const string operatorEmail = "lena.list@example.com";
        using var admin = App.ApiClient();
        var adminA = await E2EApi.CreateCampaignAsync(admin, "List admin A", E2EApi.Csv(2, 1));
        var adminB = await E2EApi.CreateCampaignAsync(admin, "List admin B", E2EApi.Csv(2, 2));

        // The operator signs in by link and creates one campaign of her own through the API, with her own token.
        var operatorPage = await NewPageAsync(signedIn: false);
        await App.SignInAsOperatorAsync(operatorPage, operatorEmail);
        using var operatorToken = AuthFlows.TokenClient(new Uri(App.BaseUrl + "/"), await CreateTokenInBrowserAsync(operatorPage));
        var own = await E2EApi.CreateCampaignAsync(operatorToken, "List operator own", E2EApi.Csv(2, 3));

        // What each may see, by the API (which was right all along).
        var all = await NamesAsync(admin);
        var hers = await NamesAsync(operatorToken);
        Assert.Equal(["List operator own"], hers);
        Assert.Contains("List admin A", all);
        Assert.Contains("List operator own", all);

        // The admin's home page lists every campaign, newest first, and search finds them.
        var page = await NewPageAsync();
        await page.GotoAsync("/");
        await WaitForCircuitAsync(page);
        var rows = page.Locator("[data-testid=campaign-table] tbody tr");
        await Expect(rows).ToHaveCountAsync(Math.Min(all.Count, 20));
        Assert.Equal(all.Take(20).ToArray(), await RowNamesAsync(page));
        await Expect(page.GetByText("No campaigns yet")).ToHaveCountAsync(0);
        await Shot(page, "40-campaigns-admin");
        await Input(page, "campaign-search").FillAsync("List admin");
        await Expect(rows).ToHaveCountAsync(2);
        Assert.Equal(["List admin B", "List admin A"], await RowNamesAsync(page));

        // The operator's home page lists only hers; another's campaign page is "not found" for her.
        await operatorPage.GotoAsync("/");
        await WaitForCircuitAsync(operatorPage);
        await Expect(operatorPage.Locator("[data-testid=campaign-table] tbody tr")).ToHaveCountAsync(1);
        Assert.Equal(["List operator own"], await RowNamesAsync(operatorPage));
        await Shot(operatorPage, "41-campaigns-operator");
        await operatorPage.Locator("[data-testid=campaign-table] tbody tr").First.ClickAsync();
        await Expect(operatorPage).ToHaveURLAsync(new Regex($"/campaigns/{own}$"));
        await operatorPage.GotoAsync($"/campaigns/{adminA}");
        await Expect(operatorPage.Locator(".mud-main-content")).ToContainTextAsync($"There is no campaign with id {adminA}");
        Output.WriteLine($"admin sees {all.Count} campaigns (A={adminA}, B={adminB}); operator sees {hers.Count}");
    }

    private static async Task<List<string>> NamesAsync(HttpClient api)
    {
        var page = await api.GetFromJsonAsync<JsonElement>("api/campaigns?pageSize=100");
        return page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).ToList();
    }

    private static async Task<string[]> RowNamesAsync(Microsoft.Playwright.IPage page)
        => await page.Locator("[data-testid=campaign-table] tbody tr td[data-label=Name]").EvaluateAllAsync<string[]>(
            "tds => tds.map(td => td.textContent.trim())");
}
