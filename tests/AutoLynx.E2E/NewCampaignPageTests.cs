using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static AutoLynx.E2E.BlazorPage;

namespace AutoLynx.E2E;

/// <summary>
/// The New campaign page says what it will do (issue 12, item 7): an assistant chosen from the start, why Create is
/// greyed out, a name that follows the file until typed, counts in the right number, the preview's total and the
/// variables it passes, and what the cap does against the account's limit. An app of its own: the tests add assistants.
/// </summary>
public sealed class NewCampaignPageTests(E2EFixture app, ITestOutputHelper output) : UiTestBase(app, output), IClassFixture<E2EFixture>
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("autolynx-new-campaign-");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    private string File(string name, string content)
    {
        var path = Path.Combine(_dir.FullName, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    private async Task<IPage> OpenAsync(int width = 1280, int height = 800)
    {
        var page = await NewPageAsync(width: width, height: height);
        await page.GotoAsync("/campaigns/new");
        await WaitForCircuitAsync(page);
        return page;
    }

    /// <summary>The text a MudSelect shows for its value (its data-testid lands on the element showing it).</summary>
    private static async Task<string> SelectedAsync(IPage page, string testId)
        => (await page.Locator($"div[data-testid={testId}]").InnerTextAsync()).Trim();

    [Fact(Timeout = 180_000)]
    public async Task NewCampaign_TwoAssistants_PreselectsTheLastUsedElseTheFirst()
    {
        using var api = App.ApiClient();
        using (var created = await api.PostAsJsonAsync("api/assistants", new { name = "Zulu survey", templateId = "survey" }))
            Assert.Equal(201, (int)created.StatusCode);
        var assistants = await api.GetFromJsonAsync<JsonElement>("api/assistants?active=true");
        var names = assistants.EnumerateArray().Select(a => a.GetProperty("name").GetString()!).ToList();
        Assert.True(names.Count >= 2, $"assistants: {string.Join(", ", names)}");
        var zulu = assistants.EnumerateArray().First(a => a.GetProperty("name").GetString() == "Zulu survey").GetProperty("id").GetInt64();

        // Nothing created yet by this person: the directory's first.
        var page = await OpenAsync();
        Assert.Equal(names[0], await SelectedAsync(page, "assistant-select"));
        await Shot(page, "n1-new-campaign-first-assistant");

        // Once they made a campaign with Zulu, the page starts with Zulu.
        await E2EApi.CreateCampaignAsync(api, "With Zulu", E2EApi.Csv(2, seed: 601), assistantId: zulu);
        page = await OpenAsync();
        Assert.Equal("Zulu survey", await SelectedAsync(page, "assistant-select"));
    }

    [Fact(Timeout = 180_000)]
    public async Task NewCampaign_CreateDisabled_SaysWhyNextToIt()
    {
        var page = await OpenAsync();
        var create = page.Locator("[data-testid=create-campaign]");
        var why = page.Locator("[data-testid=create-blocked]");
        await Expect(create).ToBeDisabledAsync();
        await Expect(why).ToContainTextAsync("Choose a contact file first");
        await Shot(page, "n2-new-campaign-no-file");

        await UploadAsync(page, File("bad.csv", "name,business_name,phone\nNobody,Biz,not a number\nNoone,Biz,12\n"));
        await Expect(create).ToBeDisabledAsync();
        await Expect(why).ToContainTextAsync("none has a valid phone number");

        await UploadAsync(page, File("good.csv", E2EApi.Csv(3, seed: 602)));
        await Expect(create).ToBeEnabledAsync();
        await Expect(why).ToHaveCountAsync(0);

        var name = Input(page, "campaign-name");
        await name.FillAsync("");
        await name.PressAsync("Tab");
        await Expect(why).ToContainTextAsync("Give the campaign a name");
        await Expect(create).ToBeDisabledAsync();
    }

    [Fact(Timeout = 180_000)]
    public async Task NewCampaign_AnotherFile_NameFollowsItUntilTyped()
    {
        var page = await OpenAsync();
        var name = Input(page, "campaign-name");
        await UploadAsync(page, File("spring-leads.csv", E2EApi.Csv(2, seed: 603)));
        await Expect(name).ToHaveValueAsync("spring-leads");
        await UploadAsync(page, File("autumn-leads.csv", E2EApi.Csv(2, seed: 604)));
        await Expect(name).ToHaveValueAsync("autumn-leads");

        await name.FillAsync("My own name");
        await name.PressAsync("Tab");
        await UploadAsync(page, File("winter-leads.csv", E2EApi.Csv(2, seed: 605)));
        await Expect(page.Locator("[data-testid=preview-table]")).ToContainTextAsync("Person 605-00");
        await Expect(name).ToHaveValueAsync("My own name");
    }

    [Fact(Timeout = 180_000)]
    public async Task NewCampaign_OneContact_SaysContactNotContacts()
    {
        var page = await OpenAsync();
        await UploadAsync(page, File("one.csv", E2EApi.Csv(1, seed: 606)));
        var create = page.Locator("[data-testid=create-campaign]");
        await Expect(create).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"Create campaign with 1 contact\s*$", System.Text.RegularExpressions.RegexOptions.IgnoreCase));
        var summary = page.Locator("[data-testid=import-summary]");
        await Expect(summary).ToContainTextAsync("1 row");
        await Expect(summary).Not.ToContainTextAsync("1 rows");
        await Expect(page.Locator("[data-testid=preview-count]")).ToHaveTextAsync("Showing the only contact");
        await Shot(page, "n3-new-campaign-one-contact");
    }

    [Fact(Timeout = 180_000)]
    public async Task NewCampaign_Preview_SaysShownOfTotalAndShowsTheAssistantsVariables()
    {
        var csv = "name,business_name,phone,city,renewal_date\n" + string.Join("", Enumerable.Range(0, 25)
            .Select(i => $"Person {i},Business {i},+1415{3_700_000 + i:0000000},Town {i},2027-01-{i + 1:00}\n"));
        foreach (var (width, height) in new[] { (1280, 800), (390, 844) })
        {
            var page = await OpenAsync(width, height);
            await UploadAsync(page, File("renewals.csv", csv));
            await Expect(page.Locator("[data-testid=preview-count]")).ToHaveTextAsync("Showing 10 of 25 contacts");
            var headers = page.Locator("[data-testid=preview-extra-column]");
            await Expect(headers).ToHaveTextAsync(["city", "renewal_date"]);
            await Expect(headers.First).ToHaveAttributeAsync("title", "Passed to the assistant as {{city}}");
            var table = page.Locator("[data-testid=preview-table]");
            await Expect(table.Locator("tbody tr")).ToHaveCountAsync(10);
            await Expect(table.Locator("tbody tr").Nth(3)).ToContainTextAsync("Town 3");
            await Expect(table.Locator("tbody tr").Nth(3)).ToContainTextAsync("2027-01-04");
            await Shot(page, $"n4-new-campaign-preview-{width}", fullPage: width < 600);
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task NewCampaign_CapAboveTheAccountLimit_SaysTheCallsQueue()
    {
        var page = await OpenAsync();
        var note = page.Locator("[data-testid=cap-note]");
        // The E2E app runs with the default Dialer:AccountCap of 10.
        await Expect(page.Locator("[data-testid=cap]").Locator("xpath=ancestor::div[contains(@class,'mud-input-control')]").First)
            .ToContainTextAsync("Your Vapi account: 10 at once");
        await Expect(note).ToContainTextAsync("never more than 10 over all campaigns");

        var cap = Input(page, "cap");
        await cap.FillAsync("50");
        await cap.PressAsync("Tab");
        await Expect(note).ToContainTextAsync("at most 10 calls run at once");
        await Expect(note).ToContainTextAsync("wait in the queue");
        await Shot(page, "n5-new-campaign-cap-over-limit");

        var narrow = await OpenAsync(390, 844);
        await Expect(narrow.Locator("[data-testid=cap-note]")).ToBeVisibleAsync();
        await Shot(narrow, "n6-new-campaign-narrow", fullPage: true);
    }
}
