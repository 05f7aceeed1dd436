using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static AutoLynx.E2E.BlazorPage;

namespace AutoLynx.E2E;

/// <summary>
/// Issue 13 in the browser: the do-not-call page (admin and operator), "Do not call again" on a contact and on a call,
/// a campaign waiting for its calling hours that says so, the preflight before Start, and the New campaign page's
/// calling hours and retries with the server's errors beside the fields. Own app: the list is organisation-wide.
/// </summary>
public sealed class ComplianceUiTests(E2EFixture app, ITestOutputHelper output) : UiTestBase(app, output), IClassFixture<E2EFixture>
{
    private static async Task<JsonElement> DncAsync(HttpClient api, string search)
        => (await api.GetFromJsonAsync<JsonElement>($"api/dnc?search={Uri.EscapeDataString(search)}")).GetProperty("items");

    private static ILocator Confirm(IPage page, string text) => page.Locator(".mud-dialog button", new() { HasText = text });

    [Fact(Timeout = 180_000)]
    public async Task DoNotCallPage_AdminAddsImportsSearchesRemoves_ListFollows()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/campaigns");
        await WaitForCircuitAsync(page);
        await page.Locator("[data-testid=nav-dnc]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/dnc$"));
        // The list is the organisation's: other tests add to it too; this one looks at its own numbers.
        await Input(page, "dnc-search").FillAsync("555010");
        await Expect(page.Locator("[data-testid=dnc-empty]")).ToContainTextAsync("No number matches");

        // A number in any spelling is stored as E.164; a wrong one is refused beside the field.
        await Input(page, "dnc-number").FillAsync("12");
        await page.Locator("[data-testid=dnc-add-number]").ClickAsync();
        await Expect(page.Locator(".mud-input-helper-text.mud-input-error")).ToBeVisibleAsync();
        await Input(page, "dnc-number").FillAsync("(415) 555-0101");
        await Input(page, "dnc-reason").FillAsync("Asked by email");
        await page.Locator("[data-testid=dnc-add-number]").ClickAsync();
        var rows = page.Locator("[data-testid=dnc-table] tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("+14155550101");
        await Expect(rows.First).ToContainTextAsync("Asked by email");
        await Expect(rows.First).ToContainTextAsync("Added by hand");

        // Import: every row accounted for.
        var csv = Path.Combine(Path.GetTempPath(), $"dnc-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(csv, "phone,reason\n+14155550102,Opted out on the web\n415-555-0101,again\nnot a number,x\n+14155550103,\n");
        await page.Locator("input#dnc-file").SetInputFilesAsync(csv);
        var report = page.Locator("[data-testid=dnc-import-report]");
        await Expect(report).ToContainTextAsync("4 rows");
        await Expect(page.Locator("[data-testid=dnc-import-added]")).ToHaveTextAsync("2 added");
        await Expect(page.Locator("[data-testid=dnc-import-already]")).ToHaveTextAsync("1 already listed");
        await Expect(page.Locator("[data-testid=dnc-import-skipped]")).ToHaveTextAsync("1 skipped");
        await Expect(page.Locator("[data-testid=dnc-import-problems] tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=dnc-import-problems] tbody tr").First).ToContainTextAsync("4");
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(page.Locator("[data-testid=dnc-total]")).ToHaveTextAsync("3 numbers");
        await Shot(page, "70-dnc-admin-import", fullPage: true);

        // Search by digits.
        await Input(page, "dnc-search").FillAsync("0102");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("Opted out on the web");
        await Expect(rows.First).ToContainTextAsync("Imported from a file");

        // Remove: asked first; Cancel keeps it, Remove takes it off.
        await rows.First.Locator("[data-testid=dnc-remove]").ClickAsync();
        await Expect(page.Locator(".mud-dialog")).ToContainTextAsync("can be called again");
        await Confirm(page, "Cancel").ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await rows.First.Locator("[data-testid=dnc-remove]").ClickAsync();
        await Confirm(page, "Remove").ClickAsync();
        await Expect(page.Locator("[data-testid=dnc-empty]")).ToContainTextAsync("No number matches");
        using var api = App.ApiClient();
        Assert.Equal(0, (await DncAsync(api, "4155550102")).GetArrayLength());
        Assert.Equal(1, (await DncAsync(api, "4155550103")).GetArrayLength());

        var narrow = await NewPageAsync(width: 390, height: 844);
        await narrow.GotoAsync("/dnc");
        await WaitForCircuitAsync(narrow);
        await Expect(narrow.Locator("[data-testid=dnc-table] tbody tr", new() { HasText = "+14155550103" })).ToHaveCountAsync(1);
        var total = await api.GetFromJsonAsync<JsonElement>("api/dnc");
        await Expect(narrow.Locator("[data-testid=dnc-total]")).ToHaveTextAsync($"{total.GetProperty("total").GetInt32()} numbers");
        await Shot(narrow, "71-dnc-admin-390", fullPage: true);
        Assert.True(await narrow.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 390"), "the page scrolls sideways at 390 px");
    }

    [Fact(Timeout = 180_000)]
    public async Task DoNotCallPage_Operator_SeesTheListAndAddsButCannotRemoveOrImport()
    {
        using var api = App.ApiClient();
        using (var added = await api.PostAsJsonAsync("api/dnc", new { number = "+14155550201", reason = "Listed by an admin" })) added.EnsureSuccessStatusCode();
        var page = await NewPageAsync(signedIn: false, width: 390, height: 844);
        await App.SignInAsOperatorAsync(page, "dnc-operator@example.com");
        await page.GotoAsync("/dnc");
        await WaitForCircuitAsync(page);
        var rows = page.Locator("[data-testid=dnc-table] tbody tr", new() { HasText = "+14155550201" });
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=dnc-remove]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=dnc-import]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=dnc-intro]")).ToContainTextAsync("an admin removes numbers");

        await Input(page, "dnc-number").FillAsync("415 555 0202");
        await page.Locator("[data-testid=dnc-add-number]").ClickAsync();
        await Expect(page.Locator("[data-testid=dnc-table] tbody tr", new() { HasText = "+14155550202" })).ToHaveCountAsync(1);
        var entry = (await DncAsync(api, "4155550202"))[0];
        Assert.Equal("dnc-operator@example.com", entry.GetProperty("addedBy").GetString());
        await Shot(page, "72-dnc-operator-390", fullPage: true);
    }

    [Fact(Timeout = 180_000)]
    public async Task ContactAndCall_DoNotCallAgain_ConfirmsAddsWithItsSourceAndShowsListed()
    {
        using var sim = App.SimulatorClient();
        await E2EApi.SimConfigAsync(sim, E2EApi.Outcomes(talked: 1));
        using var api = App.ApiClient();
        var id = await E2EApi.CreateCampaignAsync(api, "Opt-outs", E2EApi.Csv(2, 61), cap: 2);
        await E2EApi.StartAsync(api, id);
        await E2EApi.WaitForStatusAsync(api, id, "COMPLETED");
        var contacts = (await E2EApi.ContactsAsync(api, id)).EnumerateArray().ToList();

        var page = await NewPageAsync();
        await page.GotoAsync($"/campaigns/{id}");
        await WaitForCircuitAsync(page);

        // On a call: the call is the source.
        var first = contacts[0];
        await page.Locator("[data-testid=contact-open]", new() { HasText = first.GetProperty("name").GetString()! }).ClickAsync();
        var drawer = page.Locator("[data-testid=contact-drawer]");
        await drawer.Locator("[data-testid=call-dnc]").ClickAsync();
        await Expect(page.Locator(".mud-dialog", new() { HasText = "Do not call again?" })).ToContainTextAsync(first.GetProperty("phone").GetString()!);
        await Confirm(page, "Add to the do-not-call list").ClickAsync();
        await Expect(page.Locator(".mud-snackbar").Last).ToContainTextAsync("will not be called again");
        await Expect(drawer.Locator("[data-testid=dnc-listed]")).ToBeVisibleAsync();
        await Expect(drawer.Locator("[data-testid=call-dnc]")).ToHaveCountAsync(0);
        await Expect(drawer.Locator("[data-testid=contact-dnc]")).ToHaveCountAsync(0);
        await Shot(page, "73-contact-drawer-dnc-listed");
        var call = (await api.GetFromJsonAsync<JsonElement>($"api/campaigns/{id}/calls?contactId={first.GetProperty("id").GetInt64()}"))[0];
        var byCall = (await DncAsync(api, first.GetProperty("phone").GetString()!))[0];
        Assert.Equal($"call:{call.GetProperty("id").GetInt64()}", byCall.GetProperty("source").GetString());
        await page.Locator(".mud-dialog .mud-button-close").ClickAsync();
        await Expect(drawer).ToBeHiddenAsync();

        // On a contact: the contact is the source; Cancel first adds nothing.
        var second = contacts[1];
        var phone = second.GetProperty("phone").GetString()!;
        await page.Locator("[data-testid=contact-open]", new() { HasText = second.GetProperty("name").GetString()! }).ClickAsync();
        await drawer.Locator("[data-testid=contact-dnc]").ClickAsync();
        await Confirm(page, "Cancel").ClickAsync();
        Assert.Equal(0, (await DncAsync(api, phone)).GetArrayLength());
        await drawer.Locator("[data-testid=contact-dnc]").ClickAsync();
        await Confirm(page, "Add to the do-not-call list").ClickAsync();
        await Expect(drawer.Locator("[data-testid=dnc-listed]")).ToBeVisibleAsync();
        Assert.Equal($"contact:{second.GetProperty("id").GetInt64()}", (await DncAsync(api, phone))[0].GetProperty("source").GetString());
    }

    [Fact(Timeout = 240_000)]
    public async Task WaitingCampaign_OutsideItsHours_PreflightCountsAndPageSaysWhenItOpens()
    {
        // One day only, two days from now in Los Angeles (the +1 415 numbers' zone): nobody is callable now.
        var la = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");
        var day = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, la).AddDays(2).DayOfWeek.ToString()[..3].ToLowerInvariant();
        var policy = JsonSerializer.Serialize(new
        {
            callingWindow = new { days = new[] { day }, from = "09:00", to = "17:00" },
            retry = new { outcomes = new[] { "busy" }, delays = new[] { "00:30:00" }, maxAttempts = 2 },
        });
        using var api = App.ApiClient();
        var csv = E2EApi.Csv(6, 62);
        var id = await E2EApi.CreateCampaignAsync(api, "Out of hours", csv, policy: policy);
        var listed = (await E2EApi.ContactsAsync(api, id))[5].GetProperty("phone").GetString()!;
        using (var r = await api.PostAsJsonAsync("api/dnc", new { number = listed })) r.EnsureSuccessStatusCode();

        var page = await NewPageAsync();
        await page.GotoAsync($"/campaigns/{id}");
        await WaitForCircuitAsync(page);
        var dayWord = char.ToUpperInvariant(day[0]) + day[1..];
        await Expect(page.Locator("[data-testid=rules-hours]")).ToHaveTextAsync($"{dayWord} 09:00–17:00 in each contact's time zone");
        await Expect(page.Locator("[data-testid=rules-retry]")).ToHaveTextAsync("Busy is tried again after 30 min; at most 2 attempts per contact.");
        await Expect(page.Locator("[data-testid=preflight-callable]")).ToHaveTextAsync("0");
        await Expect(page.Locator("[data-testid=preflight-waiting]")).ToHaveTextAsync("5");
        await Expect(page.Locator("[data-testid=preflight-dnc]")).ToHaveTextAsync("1");
        await Expect(page.Locator("[data-testid=preflight-first-opens]")).ToContainTextAsync("Waiting for calling hours: opens 09:00 America/Los_Angeles");
        await Expect(page.Locator("[data-testid=preflight-finish]")).ToContainTextAsync("Estimated finish:");
        await Shot(page, "74-preflight", fullPage: true);

        await page.Locator("[data-testid=start]").ClickAsync();
        var waiting = page.Locator("[data-testid=campaign-waiting]");
        await Expect(waiting).ToContainTextAsync("Waiting for calling hours: opens 09:00 America/Los_Angeles", new() { Timeout = 60_000 });
        await Expect(waiting).ToContainTextAsync("in ");
        await Expect(page.Locator("[data-testid=calls-by-status]")).ToHaveTextAsync("No calls yet: the campaign is waiting (see why above).");
        await Expect(page.Locator("[data-testid=preflight]")).ToHaveCountAsync(0);
        var chips = page.Locator("[data-testid=contacts-table] td[data-label=Status] [data-status=waiting-outside-calling-hours]");
        await Expect(chips).ToHaveCountAsync(5, new() { Timeout = 30_000 });
        await Expect(chips.First).ToHaveTextAsync("Waiting: outside calling hours");
        await Expect(page.Locator("[data-testid=contacts-table] [data-status=not-called-do-not-call]")).ToHaveTextAsync("Not called: on the do-not-call list");
        await Expect(page.Locator("[data-testid=contact-next-attempt]", new() { HasText = "in " })).ToHaveCountAsync(5);
        await Shot(page, "75-waiting-for-hours", fullPage: true);

        var narrow = await NewPageAsync(width: 390, height: 844);
        await narrow.GotoAsync($"/campaigns/{id}");
        await WaitForCircuitAsync(narrow);
        await Expect(narrow.Locator("[data-testid=campaign-waiting]")).ToBeVisibleAsync();
        await Shot(narrow, "76-waiting-for-hours-390", fullPage: true);
        Assert.True(await narrow.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 390"), "the page scrolls sideways at 390 px");
    }

    [Fact(Timeout = 180_000)]
    public async Task NewCampaign_CallingHoursAndRetries_DemoDefaultsServerErrorsBesideFieldsThenSaved()
    {
        var csv = Path.Combine(Path.GetTempPath(), $"policy-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(csv, E2EApi.Csv(3, 63));
        var page = await NewPageAsync();
        await page.GotoAsync("/campaigns/new");
        await WaitForCircuitAsync(page);
        await UploadAsync(page, csv);
        await Expect(page.Locator("[data-testid=policy-summary]")).ToHaveTextAsync("Any time (demo mode: no calling hours) · no retries");

        await page.Locator("[data-testid=policy-panel] .mud-expand-panel-header").ClickAsync();
        await Expect(page.Locator("[data-testid=policy-demo-note]")).ToContainTextAsync("Demo mode");
        await CheckBox(page.Locator("body"), "policy-any-time").UncheckAsync();
        await Expect(CheckBox(page.Locator("body"), "policy-day-mon")).ToBeCheckedAsync();
        await Expect(CheckBox(page.Locator("body"), "policy-day-sat")).Not.ToBeCheckedAsync();
        await Input(page, "policy-from").FillAsync("18:00");
        await Input(page, "policy-to").FillAsync("09:00");
        // The defaults' retry outcomes are ticked; keep busy and no answer only.
        await Expect(CheckBox(page.Locator("body"), "policy-retry-busy")).ToBeCheckedAsync();
        await Expect(CheckBox(page.Locator("body"), "policy-retry-no-answer")).ToBeCheckedAsync();
        await CheckBox(page.Locator("body"), "policy-retry-voicemail").UncheckAsync();
        await CheckBox(page.Locator("body"), "policy-retry-provider-fault").UncheckAsync();
        var attempts = Input(page, "policy-max-attempts");
        await attempts.FillAsync("2");
        await attempts.PressAsync("Tab");
        await Input(page, "policy-delays").FillAsync("45");
        await page.Locator("[data-testid=create-campaign]").ClickAsync();

        // The server's words, beside the field they are about; nothing created.
        var toField = page.Locator(".mud-input-control", new() { Has = page.Locator("input[data-testid=policy-to], [data-testid=policy-to] input") });
        await Expect(toField.Locator(".mud-input-helper-text.mud-input-error")).ToContainTextAsync("must be later than");
        await Expect(page).ToHaveURLAsync(new Regex("/campaigns/new$"));
        await Shot(page, "77-new-campaign-policy-error", fullPage: true);

        await Input(page, "policy-to").FillAsync("20:00");
        await page.Locator("[data-testid=create-campaign]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/campaigns/\d+$"));
        await Expect(page.Locator("[data-testid=rules-hours]")).ToHaveTextAsync("Mon–Fri 18:00–20:00 in each contact's time zone");
        await Expect(page.Locator("[data-testid=rules-retry]")).ToHaveTextAsync("Busy and no answer are tried again after 45 min; at most 2 attempts per contact.");

        var narrow = await NewPageAsync(width: 390, height: 844);
        await narrow.GotoAsync("/campaigns/new");
        await WaitForCircuitAsync(narrow);
        await narrow.Locator("[data-testid=policy-panel] .mud-expand-panel-header").ClickAsync();
        await CheckBox(narrow.Locator("body"), "policy-any-time").UncheckAsync();
        await Shot(narrow, "78-new-campaign-policy-390", fullPage: true);
        Assert.True(await narrow.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 390"), "the page scrolls sideways at 390 px");
    }
}
