using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static AutoLynx.E2E.BlazorPage;

namespace AutoLynx.E2E;

/// <summary>
/// The assistant directory in a browser: create from a template, edit, check against Vapi, deactivate, and pick the
/// assistant in the campaign form (demo mode, simulated Vapi). Screenshots go to artifacts/screenshots/1x-*.png.
/// </summary>
public sealed class AssistantDirectoryTests(E2EFixture app, ITestOutputHelper output) : IClassFixture<E2EFixture>, IAsyncLifetime
{
    private IBrowserContext _context = null!;
    private IPage _page = null!;
    private readonly List<string> _browserErrors = [];

    public async Task InitializeAsync()
    {
        _context = await app.NewContextAsync();
        _context.SetDefaultTimeout(15_000);
        _page = await _context.NewPageAsync();
        _page.Console += (_, m) => { if (m.Type == "error") lock (_browserErrors) _browserErrors.Add($"console: {m.Text}"); };
        _page.PageError += (_, e) => { lock (_browserErrors) _browserErrors.Add($"pageerror: {e}"); };
        _page.Response += (_, r) => { if (r.Status >= 400) lock (_browserErrors) _browserErrors.Add($"http {r.Status}: {r.Request.Method} {r.Url}"); };
    }

    public async Task DisposeAsync()
    {
        lock (_browserErrors) foreach (var e in _browserErrors) output.WriteLine($"[browser] {e}");
        while (app.ServerLog.TryDequeue(out var line)) output.WriteLine($"[server] {line}");
        await _context.DisposeAsync();
    }

    [Fact(Timeout = 180_000)]
    public async Task Assistants_CreateFromTemplateEditAndPickInCampaignForm()
    {
        var page = _page;
        using var api = app.ApiClient();
        // A second assistant, to be deactivated in the list and then missing from the campaign form.
        using (var other = await api.PostAsJsonAsync("api/assistants", new { name = "E2E Survey", templateId = "survey" }))
            Assert.Equal(201, (int)other.StatusCode);

        // The directory, reached through the navigation drawer.
        await page.GotoAsync("/");
        await WaitForCircuitAsync(page);
        await page.Locator("[data-testid=nav-assistants]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/assistants$"));
        await Expect(page.Locator("[data-testid=assistant-table]")).ToContainTextAsync("Demo — appointment setter");
        await Expect(page.Locator("[data-testid=templates]")).ToContainTextAsync("Lead qualification");
        await Shot(page, "10-assistants-list", fullPage: true);

        // Create from a template: the form arrives filled in.
        await page.Locator("[data-testid=use-template-lead-qualification]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/assistants/new\\?template=lead-qualification$"));
        var name = Input(page, "assistant-name");
        await Expect(name).ToHaveValueAsync("Lead qualifier");
        await Expect(Input(page, "first-message")).ToHaveValueAsync(new Regex(@"\{\{name\}\}"));
        await Expect(Input(page, "system-prompt")).ToHaveValueAsync(new Regex(@"\{\{business_name\}\}"));
        await Expect(Input(page, "advanced-json")).ToHaveValueAsync(new Regex("analysisPlan"));
        await name.FillAsync("E2E Lead qualifier");
        await name.PressAsync("Tab");
        await Shot(page, "11-assistant-new-from-template", fullPage: true);

        await page.Locator("[data-testid=save]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/assistants/\d+$"), new() { Timeout = 20_000 });
        await Shot(page, "12-assistant-created");
        await Expect(page.Locator("[data-testid=assistant-title]")).ToHaveTextAsync("E2E Lead qualifier");
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("created on Vapi");
        var id = long.Parse(Regex.Match(page.Url, @"/assistants/(\d+)$").Groups[1].Value);
        var created = await api.GetFromJsonAsync<JsonElement>($"api/assistants/{id}");
        Assert.Equal("template", created.GetProperty("source").GetString());
        Assert.False(string.IsNullOrEmpty(created.GetProperty("providerAssistantId").GetString()));

        // A broken advanced JSON is caught before anything is sent.
        await NoSnackbarsAsync(page);
        var advanced = Input(page, "advanced-json");
        var advancedText = await advanced.InputValueAsync();
        await advanced.FillAsync("{ \"backgroundSound\": \"office\", }");
        await page.Locator("[data-testid=save]").ClickAsync();
        await Expect(page.Locator(".assistant-form")).ToContainTextAsync("not valid JSON");
        await Shot(page, "13-assistant-advanced-json-error");
        await advanced.FillAsync(advancedText);

        // Edit: a new opener and a lower temperature go to Vapi, then to our copy.
        const string opener = "Hi {{name}}, Alex from Northwind Growth here — may I ask two quick questions about {{business_name}}?";
        var first = Input(page, "first-message");
        await first.FillAsync(opener);
        var temperature = Input(page, "temperature");
        await temperature.FillAsync("0.6");
        await temperature.PressAsync("Tab");
        await NoSnackbarsAsync(page);
        await page.Locator("[data-testid=save]").ClickAsync();
        await Expect(page.Locator(".mud-snackbar").Last).ToContainTextAsync("Saved", new() { Timeout = 20_000 });
        var edited = await api.GetFromJsonAsync<JsonElement>($"api/assistants/{id}");
        Assert.Equal(opener, edited.GetProperty("config").GetProperty("firstMessage").GetString());
        Assert.Equal(0.6, edited.GetProperty("config").GetProperty("model").GetProperty("temperature").GetDouble());
        Assert.True(edited.GetProperty("version").GetInt64() > created.GetProperty("version").GetInt64());
        Assert.Contains("analysisPlan", edited.GetProperty("config").GetRawText()); // the advanced fields survived the edit

        // Our copy and Vapi's agree.
        await page.Locator("[data-testid=compare]").ClickAsync();
        await Expect(page.Locator("[data-testid=drift-message]")).ToContainTextAsync("matches Vapi");
        await Shot(page, "14-assistant-edited-compared");

        // Someone changes it in Vapi's dashboard: the comparison shows the fields, and we take Vapi's version.
        await SimPatchAsync(created.GetProperty("providerAssistantId").GetString()!,
            """{"firstMessage":"Changed in the Vapi dashboard","endCallPhrases":["ciao"]}""");
        await NoSnackbarsAsync(page);
        await page.Locator("[data-testid=compare]").ClickAsync();
        await Expect(page.Locator("[data-testid=drift-table]")).ToContainTextAsync("Changed in the Vapi dashboard");
        await Expect(page.Locator("[data-testid=drift-message]")).ToContainTextAsync("2 fields");
        await Shot(page, "14b-assistant-drift");
        await page.Locator("[data-testid=take-vapi]").ClickAsync();
        await Expect(Input(page, "first-message")).ToHaveValueAsync("Changed in the Vapi dashboard");
        await Expect(page.Locator("[data-testid=drift-panel]")).ToHaveCountAsync(0);

        // Deactivate the other assistant from the list: it leaves the campaign form's choices.
        await page.Locator("a[href='/assistants']").First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/assistants$"));
        var otherRow = page.Locator("[data-testid=assistant-table] tbody tr", new() { HasText = "E2E Survey" });
        await otherRow.Locator("[data-testid=toggle-active]").ClickAsync();
        await Expect(otherRow.Locator("[data-testid=assistant-active]")).ToHaveTextAsync("Inactive");
        await Shot(page, "15-assistants-list-after");

        // The campaign form lists active assistants only; pick ours and create a campaign with it.
        await page.Locator("a[href='/campaigns/new']").First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/campaigns/new$"));
        await UploadAsync(page, Path.Combine(E2EFixture.RepoRoot, "samples", "contacts.csv"));
        var assistantSelect = page.Locator(".mud-select", new() { Has = page.Locator("label", new() { HasText = "Assistant" }) }).First;
        await assistantSelect.ClickAsync();
        var options = page.Locator(".mud-popover-open .mud-list-item");
        await Expect(options.First).ToBeVisibleAsync();
        var texts = (await options.AllInnerTextsAsync()).Select(t => t.Trim()).ToList();
        output.WriteLine($"assistant choices: {string.Join(" | ", texts)}");
        Assert.Contains("E2E Lead qualifier", texts);
        Assert.Contains("Demo — appointment setter", texts);
        Assert.DoesNotContain("E2E Survey", texts);
        await Shot(page, "16-campaign-form-assistant-choices");
        await options.Filter(new() { HasText = "E2E Lead qualifier" }).ClickAsync();
        await Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
        await Shot(page, "17-campaign-form-assistant-picked");

        await page.Locator("[data-testid=create-campaign]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/campaigns/\d+$"), new() { Timeout = 20_000 });
        await Expect(page.Locator(".mud-main-content")).ToContainTextAsync("E2E Lead qualifier ·");
        var campaignId = long.Parse(Regex.Match(page.Url, @"/campaigns/(\d+)$").Groups[1].Value);
        var campaign = await api.GetFromJsonAsync<JsonElement>($"api/campaigns/{campaignId}");
        Assert.Equal(id, campaign.GetProperty("assistantId").GetInt64());

        // Back in the directory: import by id (unknown, then one already here), and delete with confirmation.
        await page.Locator("[data-testid=nav-assistants]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/assistants$"));
        await page.Locator("[data-testid=show-import]").ClickAsync();
        var importId = Input(page, "import-id");
        await importId.FillAsync("9d1c3a57-0000-4000-8000-000000000000");
        await page.Locator("[data-testid=import]").ClickAsync();
        await Expect(page.Locator("[data-testid=import-panel]")).ToContainTextAsync("Vapi has no assistant with id 9d1c3a57-0000-4000-8000-000000000000");
        var surveyId = (await api.GetFromJsonAsync<JsonElement>("api/assistants")).EnumerateArray()
            .First(a => a.GetProperty("name").GetString() == "E2E Survey").GetProperty("providerAssistantId").GetString()!;
        await importId.FillAsync(surveyId);
        await page.Locator("[data-testid=import]").ClickAsync();
        await Expect(page.Locator("[data-testid=import-result]")).ToContainTextAsync("already here");
        await Expect(page.Locator("[data-testid=import-result]")).ToContainTextAsync("three quick questions");
        await NoSnackbarsAsync(page);
        await Shot(page, "18-assistant-import");

        var surveyRow = page.Locator("[data-testid=assistant-table] tbody tr", new() { HasText = "E2E Survey" });
        await surveyRow.Locator("[data-testid=delete-assistant]").ClickAsync();
        await Expect(page.Locator(".mud-dialog")).ToContainTextAsync("Delete \"E2E Survey\"?");
        await Shot(page, "19-assistant-delete-confirm");
        await page.Locator("[data-testid=confirm-delete]").ClickAsync();
        await Expect(surveyRow).ToHaveCountAsync(0);
        await Expect(page.Locator(".mud-snackbar").Last).ToContainTextAsync("removed from the directory");

        // The lead qualifier is used by the campaign just created: deleting it is refused, naming the campaign.
        var leadRow = page.Locator("[data-testid=assistant-table] tbody tr", new() { HasText = "E2E Lead qualifier" });
        await leadRow.Locator("[data-testid=delete-assistant]").ClickAsync();
        await page.Locator("[data-testid=confirm-delete]").ClickAsync();
        await Expect(page.Locator(".mud-snackbar").Last).ToContainTextAsync("cannot be deleted while this campaign uses it: \"contacts\" (created)");
        await Expect(leadRow).ToHaveCountAsync(1);
        await Shot(page, "20-assistant-delete-refused");
    }



    /// <summary>Sets the CSV on the upload input and waits for the preview; retries if the change event was dropped.</summary>
    private static async Task UploadAsync(IPage page, string path)
    {
        var input = page.Locator("input#csv-input");
        var summary = page.Locator("[data-testid=import-summary], [data-testid=file-error]");
        for (var attempt = 1; ; attempt++)
        {
            await input.SetInputFilesAsync(path);
            try
            {
                await summary.First.WaitForAsync(new() { Timeout = 10_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
                await input.SetInputFilesAsync(Array.Empty<string>());
            }
        }
    }

    /// <summary>Changes an assistant on the simulated Vapi directly, as someone in Vapi's dashboard would.</summary>
    private async Task SimPatchAsync(string providerId, string json)
    {
        var sim = app.Services.GetRequiredService<AutoLynx.Features.Demo.DemoEnvironment>().Simulator!;
        using var http = new HttpClient { BaseAddress = sim.BaseUrl };
        using var req = new HttpRequestMessage(HttpMethod.Patch, $"assistant/{providerId}")
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        req.Headers.Authorization = new("Bearer", sim.Options.ApiKey);
        using var resp = await http.SendAsync(req);
        resp.EnsureSuccessStatusCode();
    }

    /// <summary>Lets earlier snackbars time out, so a screenshot shows the page and the latest message only.</summary>
    private static Task NoSnackbarsAsync(IPage page) => Expect(page.Locator(".mud-snackbar")).ToHaveCountAsync(0, new() { Timeout = 15_000 });

    private static async Task Shot(IPage page, string name, bool fullPage = false)
    {
        await page.WaitForTimeoutAsync(400);
        await page.ScreenshotAsync(new() { Path = Path.Combine(E2EFixture.ScreenshotDir, name + ".png"), FullPage = fullPage });
    }
}
