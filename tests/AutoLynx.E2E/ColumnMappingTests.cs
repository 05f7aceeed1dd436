using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static AutoLynx.E2E.BlazorPage;

namespace AutoLynx.E2E;

/// <summary>
/// The mapping step of the New campaign page: a CRM export whose company column is not recognised opens it; the person
/// picks the columns, the preview follows, the campaign is created, and the next file with those headers is mapped the
/// same way by itself. Also an Excel workbook with several sheets. Screenshots in artifacts/screenshots/.
/// </summary>
public sealed class ColumnMappingTests(E2EFixture app, ITestOutputHelper output) : IClassFixture<E2EFixture>, IAsyncLifetime
{
    private IBrowserContext _context = null!;
    private IPage _page = null!;
    private DirectoryInfo _dir = null!;

    public async Task InitializeAsync()
    {
        _context = await app.NewContextAsync();
        _context.SetDefaultTimeout(15_000);
        _page = await _context.NewPageAsync();
        _dir = Directory.CreateTempSubdirectory("autolynx-e2e-mapping-");
    }

    public async Task DisposeAsync()
    {
        while (app.ServerLog.TryDequeue(out var line)) output.WriteLine($"[server] {line}");
        await _context.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    [Fact(Timeout = 180_000)]
    public async Task MappingStep_UnrecognisedCompanyColumn_PersonMapsItPreviewCreateAndRememberedNextTime()
    {
        var page = _page;
        var csv = Path.Combine(_dir.FullName, "practice-leads.csv");
        await File.WriteAllTextAsync(csv,
            "First Name,Last Name,Firm / Practice,Phone,Mobile,Lead Source\n" +
            "Maria,Gonzalez,Lumen Dental,,(415) 555-0171,Web\n" +
            "Omar,Haddad,Haddad Orthodontics,(415) 555-0172 ext. 204,(415) 555-0173,Referral\n" +
            "Kim,Ng,Ng Family Dentistry,,,Web\n");

        await page.GotoAsync("/campaigns/new");
        await WaitForCircuitAsync(page);
        await UploadAsync(page, csv);

        // No business column by its name: the mapping step opens and says what is missing; no preview, no create.
        var step = page.Locator("[data-testid=mapping-step]");
        await Expect(step).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=mapping-notice]")).ToContainTextAsync("which column holds the business name");
        await Expect(page.Locator("[data-testid=import-summary]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=create-campaign]")).ToBeDisabledAsync();
        var columns = step.Locator("[data-testid=mapping-columns] tbody tr");
        await Expect(columns).ToHaveCountAsync(6);
        await Expect(columns.Nth(2)).ToContainTextAsync("Firm / Practice");
        await Expect(columns.Nth(2)).ToContainTextAsync("Lumen Dental · Haddad Orthodontics · Ng Family Dentistry");
        await Expect(columns.Nth(0)).ToContainTextAsync("Name: first");     // detected: first and last name compose the name
        await Expect(columns.Nth(3)).ToContainTextAsync("Phone (1st)");
        await Shot(page, "07-mapping-step-business-not-found");

        // Applying without a business column says so, in place.
        await step.Locator("[data-testid=mapping-apply]").ClickAsync();
        await Expect(page.Locator("[data-testid=mapping-error]")).ToContainTextAsync("the business name");

        await ChooseAsync(page, "Business name", "Firm / Practice");
        await ChooseAsync(page, "Phone (tried first)", "Mobile");
        await ChooseAsync(page, "Phone, then 2.", "Phone");
        await Expect(columns.Nth(2)).ToContainTextAsync("Business name");
        await Expect(columns.Nth(4)).ToContainTextAsync("Phone (1st)");
        await Shot(page, "08-mapping-step-chosen");
        await step.Locator("[data-testid=mapping-apply]").ClickAsync();

        // The preview follows with the chosen mapping: names composed, mobile dialled first, the row without numbers skipped.
        var summary = page.Locator("[data-testid=import-summary]");
        await Expect(summary).ToContainTextAsync("3 rows");
        await Expect(summary).ToContainTextAsync("2 accepted");
        await Expect(summary).ToContainTextAsync("1 skipped");
        await Expect(step).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=mapping-summary]")).ToContainTextAsync("Business ← Firm / Practice");
        await Expect(page.Locator("[data-testid=mapping-summary]")).ToContainTextAsync("Phone ← Mobile, then Phone");
        await Expect(page.Locator("[data-testid=mapping-source]")).ToHaveTextAsync("your choice");
        var preview = page.Locator("[data-testid=preview-table] tbody tr");
        await Expect(preview.Nth(0)).ToContainTextAsync("Maria Gonzalez");
        await Expect(preview.Nth(0)).ToContainTextAsync("+14155550171");
        await Expect(preview.Nth(0)).ToContainTextAsync("Mobile");
        await Expect(page.Locator("[data-testid=skipped-table]")).ToContainTextAsync("Phone is empty (no number in Mobile, Phone).");
        await Expect(page.Locator(".mud-main-content")).ToContainTextAsync("{{first_name}}");
        await Shot(page, "09-mapping-applied-preview");

        // "Change columns" reopens the step with the choices made; cancel keeps the preview.
        await page.Locator("[data-testid=change-mapping]").ClickAsync();
        await Expect(step).ToBeVisibleAsync();
        await Expect(step.Locator("[data-testid=mapping-columns] tbody tr").Nth(2)).ToContainTextAsync("Business name");
        await page.SetViewportSizeAsync(390, 844);
        await Shot(page, "10-mapping-step-narrow", fullPage: true);
        await page.SetViewportSizeAsync(1280, 800);
        await step.Locator("[data-testid=mapping-cancel]").ClickAsync();
        await Expect(step).ToHaveCountAsync(0);

        var create = page.Locator("[data-testid=create-campaign]");
        await Expect(create).ToContainTextAsync("2 contacts");
        await create.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/campaigns/\d+$"));
        await Expect(page.Locator("[data-testid=counter-total]")).ToHaveTextAsync("2");
        await Expect(page.Locator("[data-testid=contacts-table] tbody tr").First).ToContainTextAsync("Maria Gonzalez");

        // The next export with the same columns: mapped as last time, straight to the preview.
        var next = Path.Combine(_dir.FullName, "practice-leads-april.csv");
        await File.WriteAllTextAsync(next, "First Name,Last Name,Firm / Practice,Phone,Mobile,Lead Source\nLea,Roth,Roth Dental,(415) 555-0174,,Web\n");
        await page.GotoAsync("/campaigns/new");
        await WaitForCircuitAsync(page);
        await UploadAsync(page, next);
        await Expect(summary).ToContainTextAsync("1 accepted");
        await Expect(page.Locator("[data-testid=mapping-step]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=mapping-source]")).ToHaveTextAsync("remembered from your last file like this");
        await Expect(page.Locator("[data-testid=mapping-summary]")).ToContainTextAsync("Business ← Firm / Practice");
        await Shot(page, "11-mapping-remembered");
    }

    [Fact(Timeout = 120_000)]
    public async Task NewCampaign_WorkbookWithSeveralSheets_SheetChosenAndPreviewed()
    {
        var page = _page;
        var xlsx = Path.Combine(_dir.FullName, "crm-export.xlsx");
        await using (var file = File.Create(xlsx))
        {
            MiniExcelLibs.MiniExcel.SaveAs(file, new Dictionary<string, object>
            {
                ["Contacts"] = new[]
                {
                    new Dictionary<string, object> { ["Full Name"] = "Ann Lee", ["Company Name"] = "Lee Bakery", ["Phone Number"] = 14155550181L },
                    new Dictionary<string, object> { ["Full Name"] = "Bob Ray", ["Company Name"] = "Ray Roofing", ["Phone Number"] = "(415) 555-0182" },
                },
                ["Companies"] = new[] { new Dictionary<string, object> { ["Company"] = "Lee Bakery", ["Employees"] = 12 } },
            });
        }
        await page.GotoAsync("/campaigns/new");
        await WaitForCircuitAsync(page);
        await UploadAsync(page, xlsx);

        var summary = page.Locator("[data-testid=import-summary]");
        await Expect(summary).ToContainTextAsync("2 accepted");
        await Expect(page.Locator("[data-testid=preview-table] tbody tr").Nth(0)).ToContainTextAsync("+14155550181");
        await Expect(page.Locator(".mud-main-content")).ToContainTextAsync("Read from the sheet \"Contacts\"");
        await Expect(page.Locator("[data-testid=sheet-select]")).ToBeVisibleAsync();
        await Shot(page, "12-workbook-preview");

        // The other sheet has no contacts: choosing it opens the mapping step for its columns.
        await ChooseAsync(page, "Worksheet", "Companies");
        await Expect(page.Locator("[data-testid=mapping-step]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=mapping-columns] tbody tr")).ToHaveCountAsync(2);
        await ChooseAsync(page, "Worksheet", "Contacts");
        await Expect(summary).ToContainTextAsync("2 accepted");
    }

    /// <summary>Opens the MudSelect labelled <paramref name="label"/> and picks the item whose text is exactly <paramref name="item"/>.</summary>
    private static async Task ChooseAsync(IPage page, string label, string item)
    {
        var select = page.Locator(".mud-select", new() { Has = page.Locator("label", new() { HasTextRegex = new Regex($"^{Regex.Escape(label)}$") }) }).First;
        for (var attempt = 1; ; attempt++)
        {
            await select.ClickAsync();
            try
            {
                await page.Locator(".mud-popover-open .mud-list-item", new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(item)}\\s*$") }).First
                    .ClickAsync(new() { Timeout = 3000 });
                break;
            }
            catch (PlaywrightException) when (attempt < 3) { }
        }
        await Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
    }
}
