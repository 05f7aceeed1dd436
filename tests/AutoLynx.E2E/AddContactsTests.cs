using AutoLynx.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static AutoLynx.E2E.BlazorPage;

namespace AutoLynx.E2E;

/// <summary>"Add contacts" on a campaign's page: the file is checked against the campaign (what is new, what is already
/// there, what cannot be called) before anything is stored, then added; "Call again" offers the assistant and the line.</summary>
[Collection(FirstHourCollection.Name)]
public sealed class AddContactsTests(E2EFixture app, ITestOutputHelper output) : UiTestBase(app, output)
{
    [Fact(Timeout = 180_000)]
    public async Task AddContacts_FileWithKnownAndBadRows_ShowsTheReportThenAddsTheNewOnes()
    {
        using var api = App.ApiClient();
        var id = await E2EApi.CreateCampaignAsync(api, "Growing list", E2EApi.Csv(3, seed: 71));
        var known = E2EApi.Csv(1, seed: 71).Split('\n')[1];
        var file = Path.Combine(Path.GetTempPath(), $"more-contacts-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "name,business_name,phone,city\n" + known + "\n"
            + string.Join('\n', E2EApi.Csv(2, seed: 72).Split('\n').Skip(1)) + "Nobody,Biz,not a number,Town\n");
        try
        {
            var page = await NewPageAsync();
            await page.GotoAsync($"/campaigns/{id}");
            await WaitForCircuitAsync(page);
            var dialog = page.Locator("[data-testid=add-contacts-dialog]");
            await ClickUntilAsync(page.Locator("[data-testid=add-contacts]"), dialog);

            await UploadAsync(dialog.Locator("[data-testid=add-contacts-input]"),
                dialog.Locator("[data-testid=add-contacts-summary], [data-testid=add-contacts-error]"), file);
            var summary = dialog.Locator("[data-testid=add-contacts-summary]");
            await Expect(summary).ToContainTextAsync("2 new");
            await Expect(summary).ToContainTextAsync("1 skipped");
            await Expect(summary).ToContainTextAsync("1 duplicate");
            await Expect(dialog.Locator("[data-testid=add-contacts-problems]")).ToContainTextAsync("Already in the campaign");
            await Expect(page.Locator("[data-testid=add-contacts-confirm]")).ToContainTextAsync("Add 2 contacts");
            await Shot(page, "70-add-contacts-report");
            Assert.Equal(3, (await E2EApi.SummaryAsync(api, id)).GetProperty("counters").GetProperty("total").GetInt32());

            await page.Locator("[data-testid=add-contacts-confirm]").ClickAsync();
            await Expect(dialog).ToBeHiddenAsync();
            await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("2 contacts added");
            Assert.Equal(5, (await E2EApi.SummaryAsync(api, id)).GetProperty("counters").GetProperty("total").GetInt32());
            await Expect(page.Locator("[data-testid=contacts-table] tbody tr")).ToHaveCountAsync(5);

            // Call again offers the assistant and the line to change.
            await page.Locator("[data-testid=duplicate]").ClickAsync();
            var duplicate = page.Locator("[data-testid=duplicate-dialog]");
            await Expect(duplicate.Locator("[data-testid=duplicate-assistant]")).ToBeVisibleAsync();
            await Expect(duplicate.Locator("[data-testid=duplicate-line]")).ToBeVisibleAsync();
            await Shot(page, "71-call-again-dialog");

            var narrow = await NewPageAsync(width: 390, height: 844);
            await narrow.GotoAsync($"/campaigns/{id}");
            await WaitForCircuitAsync(narrow);
            await Expect(narrow.Locator("[data-testid=add-contacts]")).ToBeVisibleAsync();
            await Shot(narrow, "72-add-contacts-narrow");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task AddContacts_OperatorOnOwnCampaign_AddsThem()
    {
        var page = await NewPageAsync(signedIn: false);
        await App.SignInAsOperatorAsync(page, "grow.operator@example.com");
        using var operatorApi = AuthFlows.TokenClient(new Uri(App.BaseUrl + "/"), await CreateTokenInBrowserAsync(page));
        var id = await E2EApi.CreateCampaignAsync(operatorApi, "Operator's growing list", E2EApi.Csv(2, seed: 81));
        var file = Path.Combine(Path.GetTempPath(), $"operator-contacts-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, E2EApi.Csv(3, seed: 82));
        try
        {
            await page.GotoAsync($"/campaigns/{id}");
            await WaitForCircuitAsync(page);
            var dialog = page.Locator("[data-testid=add-contacts-dialog]");
            await ClickUntilAsync(page.Locator("[data-testid=add-contacts]"), dialog);
            await UploadAsync(dialog.Locator("[data-testid=add-contacts-input]"),
                dialog.Locator("[data-testid=add-contacts-summary], [data-testid=add-contacts-error]"), file);
            await Expect(dialog.Locator("[data-testid=add-contacts-summary]")).ToContainTextAsync("3 new");
            await Shot(page, "79-add-contacts-operator");
            await page.Locator("[data-testid=add-contacts-confirm]").ClickAsync();
            await Expect(dialog).ToBeHiddenAsync();
            Assert.Equal(5, (await E2EApi.SummaryAsync(operatorApi, id)).GetProperty("counters").GetProperty("total").GetInt32());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
