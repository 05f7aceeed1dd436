using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static AutoLynx.E2E.BlazorPage;

namespace AutoLynx.E2E;

/// <summary>
/// Browser tests of the main flow: upload a CSV, see the preview, create a campaign, start it and watch it
/// finish live (demo mode, simulated calls). Screenshots go to artifacts/screenshots/ under the repo root.
/// </summary>
public sealed class CampaignFlowTests(E2EFixture app, ITestOutputHelper output) : IClassFixture<E2EFixture>, IAsyncLifetime
{
    private IBrowserContext _context = null!;
    private IPage _page = null!;
    private int _loads;
    private readonly List<string> _browserErrors = [];

    public async Task InitializeAsync()
    {
        _context = await app.NewContextAsync();
        _context.SetDefaultTimeout(15_000);
        _page = await _context.NewPageAsync();
        _page.Load += (_, _) => Interlocked.Increment(ref _loads);
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

    [Fact(Timeout = 240_000)]
    public async Task CampaignFlow_UploadSampleStart_ReachesCompletedLiveWithoutReload()
    {
        var clock = Stopwatch.StartNew();
        var page = _page;
        var sample = Path.Combine(E2EFixture.RepoRoot, "samples", "contacts.csv");
        Assert.True(File.Exists(sample), $"sample CSV missing: {sample}");

        await page.GotoAsync("/");
        await WaitForCircuitAsync(page);
        await page.EvaluateAsync("() => { window.__marker = 1; }");
        var loadsAfterStart = Volatile.Read(ref _loads);

        // Root → New campaign through the UI, not by URL.
        await page.Locator("[data-testid=new-campaign]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/campaigns/new$"));

        await UploadAsync(page, sample);
        var summary = page.Locator("[data-testid=import-summary]");
        await Expect(summary).ToContainTextAsync("50 rows");
        await Expect(summary).ToContainTextAsync("50 accepted");
        await Expect(summary).ToContainTextAsync("0 skipped");
        await Expect(page.Locator("[data-testid=skipped-table]")).ToHaveCountAsync(0);
        await Expect(Input(page, "campaign-name")).ToHaveValueAsync("contacts");

        var cap = Input(page, "cap");
        await cap.FillAsync("5");
        await cap.PressAsync("Tab");
        await Expect(cap).ToHaveValueAsync("5");
        var create = page.Locator("[data-testid=create-campaign]");
        await Expect(create).ToBeEnabledAsync();
        await Expect(create).ToContainTextAsync("50 contacts");
        await Shot(page, "01-new-campaign-preview");

        await create.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/campaigns/\d+$"));
        var status = page.Locator("[data-testid=campaign-status] [data-status]");
        await Expect(status).ToHaveAttributeAsync("data-status", "CREATED");
        await Expect(page.Locator("[data-testid=counter-total]")).ToHaveTextAsync("50");
        await Expect(page.GetByText("cap 5", new() { Exact = false })).ToBeVisibleAsync();

        // Record every state the chip shows and every progress text, as they change, without polling from the test.
        await page.EvaluateAsync("""
            () => {
              window.__statuses = [];
              window.__progress = [];
              const record = () => {
                const chip = document.querySelector('[data-testid=campaign-status] [data-status]');
                const s = chip && chip.getAttribute('data-status');
                if (s && window.__statuses[window.__statuses.length - 1] !== s) window.__statuses.push(s);
                const p = document.querySelector('[data-testid=progress-text]');
                const t = p && p.textContent.trim();
                if (t && window.__progress[window.__progress.length - 1] !== t) window.__progress.push(t);
              };
              record();
              new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
            }
            """);

        await page.Locator("[data-testid=start]").ClickAsync();
        await Expect(status).Not.ToHaveAttributeAsync("data-status", "CREATED");

        // "While running": as soon as calls are in flight.
        var running = page.Locator("[data-testid=campaign-status] [data-status=DIALING], [data-testid=campaign-status] [data-status=RUNNING]");
        try
        {
            await running.WaitForAsync(new() { Timeout = 30_000 });
            await Expect(page.Locator("[data-testid=counter-placed]")).Not.ToHaveTextAsync("0", new() { Timeout = 10_000 });
        }
        catch (PlaywrightException)
        {
            output.WriteLine("Did not catch the campaign in DIALING/RUNNING with calls placed; screenshot shows whatever state it is in.");
        }
        await Shot(page, "02-campaign-running");

        await Expect(status).ToHaveAttributeAsync("data-status", "COMPLETED", new() { Timeout = 90_000 });
        await Expect(page.Locator("[data-testid=progress-text]")).ToHaveTextAsync("100%");
        await Expect(page.Locator("[data-testid=counter-active]")).ToHaveTextAsync("0");
        await Expect(page.Locator("[data-testid=counter-pending]")).ToHaveTextAsync("0");

        // Every contact is accounted for in words: talked, not reached (no answer, busy, voicemail) or failed.
        var talked = int.Parse(await page.Locator("[data-testid=counter-talked]").InnerTextAsync());
        var notReached = int.Parse(await page.Locator("[data-testid=counter-not-reached]").InnerTextAsync());
        var failed = int.Parse(await page.Locator("[data-testid=counter-failed]").InnerTextAsync());
        Assert.Equal(50, talked + notReached + failed);

        // Same document all along: the marker set on the first page survived, and no full page load happened.
        Assert.Equal(1, await page.EvaluateAsync<int?>("() => window.__marker ?? null"));
        Assert.Equal(loadsAfterStart, Volatile.Read(ref _loads));
        var statuses = await page.EvaluateAsync<string[]>("() => window.__statuses");
        var progress = await page.EvaluateAsync<string[]>("() => window.__progress");
        output.WriteLine($"states seen: {string.Join(" → ", statuses)}");
        output.WriteLine($"progress seen: {string.Join(", ", progress)}");
        Assert.Equal("COMPLETED", statuses[^1]);
        Assert.Contains(statuses, s => s is "DIALING" or "RUNNING");
        Assert.True(progress.Length >= 3, $"progress should move live through several values, saw: {string.Join(", ", progress)}");

        await Shot(page, "03-campaign-completed");
        await Shot(page, "03-campaign-completed-fullpage", fullPage: true);
        output.WriteLine($"talked {talked}, not reached {notReached}, failed {failed}; test took {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact(Timeout = 120_000)]
    public async Task CreateCampaign_FileWithBadRows_PreviewListsThemErrorCsvDownloadsCampaignCreated()
    {
        var page = _page;
        var dir = Directory.CreateTempSubdirectory("autolynx-e2e-");
        var csv = Path.Combine(dir.FullName, "bad-rows.csv");
        await File.WriteAllTextAsync(csv, """
            name,business_name,phone,city
            Ann Lee,Lee Bakery,(415) 555-0100,San Francisco
            Bob Smith,Okafor Dental,415.555.0101,Oakland
            ,Nameless Co,(415) 555-0102,Berkeley
            Carl Short,Short Co,12,Fresno
            Dana Dup,Dup Co,+1 415 555 0100,San Jose
            Eve Park,Park Cafe,(415) 555-0103,Palo Alto
            =SUM(A1:A2),Formula Co,555,Reno

            """);
        try
        {
            await page.GotoAsync("/campaigns/new");
            await WaitForCircuitAsync(page);
            await UploadAsync(page, csv);

            var summary = page.Locator("[data-testid=import-summary]");
            await Expect(summary).ToContainTextAsync("7 rows");
            await Expect(summary).ToContainTextAsync("3 accepted");
            await Expect(summary).ToContainTextAsync("3 skipped");
            await Expect(summary).ToContainTextAsync("1 duplicate");
            await Expect(Input(page, "campaign-name")).ToHaveValueAsync("bad-rows");

            var skipped = page.Locator("[data-testid=skipped-table]");
            await Expect(skipped).ToBeVisibleAsync();
            var rows = skipped.Locator("tbody tr");
            await Expect(rows).ToHaveCountAsync(4);
            var cells = await rows.EvaluateAllAsync<string[][]>(
                "trs => trs.map(tr => Array.from(tr.querySelectorAll('td')).map(td => td.textContent.trim()))");
            foreach (var r in cells) output.WriteLine($"skipped: row {r[0]} — {r[1]}");

            Assert.Contains(cells, r => r[0] == "4" && r[1] == "Name is empty.");
            Assert.Contains(cells, r => r[0] == "5" && r[1].StartsWith("Phone \"12\"", StringComparison.Ordinal));
            Assert.Contains(cells, r => r[0] == "6" && r[1].StartsWith("Duplicate of row 2", StringComparison.Ordinal) && r[1].Contains("+14155550100"));

            Assert.Contains(cells, r => r[0] == "8" && r[1].StartsWith("Phone \"555\"", StringComparison.Ordinal) && r[2].Contains("=SUM(A1:A2)"));
            await Shot(page, "04-new-campaign-skipped-rows");

            // The error CSV: every row not imported, with its reason, in file order; the formula cell neutralised.
            var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid=download-errors]").ClickAsync());
            Assert.Equal("bad-rows-not-imported.csv", download.SuggestedFilename);
            var saved = Path.Combine(dir.FullName, download.SuggestedFilename);
            await download.SaveAsAsync(saved);
            var errorRows = ReadCsv(saved);
            foreach (var r in errorRows) output.WriteLine($"error csv: {string.Join(" | ", r)}");
            Assert.Equal(["row", "reason", "name", "business_name", "phone", "city"], errorRows[0]);
            Assert.Equal(["4", "5", "6", "8"], errorRows.Skip(1).Select(r => r[0]).ToArray());
            Assert.Equal("Name is empty.", errorRows[1][1]);
            Assert.Equal("Duplicate of row 2 (+14155550100).", errorRows[3][1]);
            Assert.Equal(["'=SUM(A1:A2)", "Formula Co", "555", "Reno"], errorRows[4][2..]);

            // Valid rows still importable: create, and the campaign holds exactly them.
            await Expect(page.Locator("[data-testid=create-campaign]")).ToBeEnabledAsync();
            await Expect(page.Locator("[data-testid=create-campaign]")).ToContainTextAsync("3 contacts");
            await page.Locator("[data-testid=create-campaign]").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex(@"/campaigns/\d+$"));
            await Expect(page.Locator("[data-testid=counter-total]")).ToHaveTextAsync("3");
            await Expect(page.Locator("[data-testid=contacts-table] tbody tr")).ToHaveCountAsync(3);
            await Expect(page.Locator("[data-testid=calls-by-status]")).ToContainTextAsync("No calls yet");

            // Server-side sort: click "Name" → ascending by name.
            await page.Locator("[data-testid=contacts-table] th", new() { HasText = "Name" }).Locator(".mud-table-sort-label").ClickAsync();
            await Expect(page.Locator("[data-testid=contacts-table] tbody tr").First).ToContainTextAsync("Ann Lee");
            await page.Locator("[data-testid=contacts-table] th", new() { HasText = "Name" }).Locator(".mud-table-sort-label").ClickAsync();
            await Expect(page.Locator("[data-testid=contacts-table] tbody tr").First).ToContainTextAsync("Eve Park");
            await Shot(page, "05-campaign-created-from-bad-rows");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task NewCampaign_StrictBatchWithLineQuietGating_SwitchShownOnlyForBatchAndSaved()
    {
        var page = _page;
        await page.GotoAsync("/campaigns/new");
        await WaitForCircuitAsync(page);
        await UploadAsync(page, Path.Combine(E2EFixture.RepoRoot, "samples", "contacts.csv"));
        await Expect(page.Locator("[data-testid=import-summary]")).ToContainTextAsync("50 accepted");
        var name = Input(page, "campaign-name");
        await name.FillAsync("Gated batches");
        await name.PressAsync("Tab");

        // Continuous (the default): no gating switch.
        var gating = page.Locator("[data-testid=line-quiet-gating]");
        await Expect(gating).ToHaveCountAsync(0);

        // Strict batch: the switch appears with its explanation; turn it on.
        var modeSelect = page.Locator(".mud-select", new() { Has = page.Locator("label", new() { HasText = "Mode" }) }).First;
        await modeSelect.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Strict batch" }).ClickAsync();
        await Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
        await Expect(gating).ToBeVisibleAsync();
        await Expect(gating).ToContainTextAsync("Line-quiet gating");
        await Expect(gating).ToContainTextAsync("no live call on the phone line");
        var toggle = gating.Locator("input[type=checkbox]");
        await Expect(toggle).Not.ToBeCheckedAsync();
        await gating.Locator("label").First.ClickAsync();
        await Expect(toggle).ToBeCheckedAsync();
        await Shot(page, "06-new-campaign-line-quiet-gating");

        await page.Locator("[data-testid=create-campaign]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/campaigns/\d+$"));
        await Expect(page.Locator(".mud-main-content")).ToContainTextAsync("the line has no live call at Vapi");

        // What was saved, through the API.
        var id = long.Parse(Regex.Match(page.Url, @"/campaigns/(\d+)$").Groups[1].Value);
        using var api = app.ApiClient();
        var summary = System.Text.Json.JsonDocument.Parse(await api.GetStringAsync($"api/campaigns/{id}")).RootElement;
        Assert.Equal("batch", summary.GetProperty("mode").GetString());
        Assert.True(summary.GetProperty("lineQuietGating").GetBoolean());
    }

    private static List<string[]> ReadCsv(string path)
    {
        using var reader = new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        using var parser = new CsvHelper.CsvParser(reader, System.Globalization.CultureInfo.InvariantCulture);
        var rows = new List<string[]>();
        while (parser.Read()) rows.Add(parser.Record!);
        return rows;
    }
}
