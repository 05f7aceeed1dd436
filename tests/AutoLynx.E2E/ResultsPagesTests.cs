using System.Globalization;
using System.Text.RegularExpressions;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static AutoLynx.E2E.BlazorPage;

namespace AutoLynx.E2E;

/// <summary>
/// Results leaving AutoLynx (issue 14): the export is the browser's own download of the streamed CSV, and the analytics
/// page reads right (the whole date range visible, demo talk time labelled as simulated). An app of its own: the
/// analytics figures are over every call in it.
/// </summary>
public sealed class ResultsPagesTests(E2EFixture app, ITestOutputHelper output) : UiTestBase(app, output), IClassFixture<E2EFixture>
{
    private const double LongerTimeScale = 0.05;

    private async Task<long> CompletedCampaignAsync(string name, int contacts, int seed)
    {
        using var sim = App.SimulatorClient();
        await E2EApi.SimConfigAsync(sim, E2EApi.Outcomes(talked: 1));
        // Calls of a few real seconds: the analytics keep whole seconds, so the E2E app's 0.005 would make them all 0 s.
        await E2EApi.SimConfigAsync(sim, new { timeScale = LongerTimeScale });
        using var api = App.ApiClient();
        var id = await E2EApi.CreateCampaignAsync(api, name, E2EApi.Csv(contacts, seed), cap: 10);
        await E2EApi.StartAsync(api, id);
        await E2EApi.WaitForStatusAsync(api, id, "COMPLETED");
        return id;
    }

    [Fact(Timeout = 180_000)]
    public async Task Export_Download_IsTheBrowsersStreamedDownloadWithHeaderAndEveryRow()
    {
        using var api = App.ApiClient();
        var id = await E2EApi.CreateCampaignAsync(api, "Export me", E2EApi.Csv(30, seed: 801));
        var page = await NewPageAsync();
        await page.GotoAsync($"/campaigns/{id}");
        await WaitForCircuitAsync(page);
        var dialog = page.Locator("[data-testid=export-dialog]");
        await ClickUntilAsync(page.Locator("[data-testid=export]"), dialog);
        await Expect(dialog.Locator("[data-testid=export-rows]")).ToContainTextAsync("30 rows");
        // One choice per line: each radio sits below the previous one.
        var radios = dialog.Locator("[data-testid=export-filter] .mud-radio");
        var tops = new List<double>();
        for (var i = 0; i < await radios.CountAsync(); i++) tops.Add((await radios.Nth(i).BoundingBoxAsync())!.Y);
        Assert.Equal(5, tops.Count);
        Assert.True(tops.Zip(tops.Skip(1)).All(p => p.Second > p.First), $"radio tops {string.Join(", ", tops)}");
        await Shot(page, "r1-export-dialog");

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid=export-download]").ClickAsync());
        // Streamed by the browser from the endpoint, not assembled in the page (a blob: URL).
        Assert.Matches(new Regex($@"/api/campaigns/{id}/export\.csv$"), download.Url);
        Assert.EndsWith("-results.csv", download.SuggestedFilename);
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Download started: 30 rows");

        var path = await download.PathAsync();
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture));
        Assert.True(await csv.ReadAsync());
        csv.ReadHeader();
        Assert.Equal(["name", "business_name", "phone", "status", "ended_reason", "cost", "recording_url", "transcript_json"], csv.HeaderRecord!.Take(8));
        Assert.Equal("city", csv.HeaderRecord![^1]);
        var names = new List<string>();
        while (await csv.ReadAsync()) names.Add(csv.GetField("name")!);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"Person 801-{i:00}"), names);

        // A filter reaches the same streamed endpoint with its query.
        await ClickUntilAsync(page.Locator("[data-testid=export]"), dialog);
        await dialog.Locator("[data-testid=export-filter-reached]").ClickAsync();
        await Expect(dialog.Locator("[data-testid=export-rows]")).ToContainTextAsync("0 rows");
        var filtered = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid=export-download]").ClickAsync());
        Assert.Contains("outcome=talked,forwarded", Uri.UnescapeDataString(filtered.Url));
        var lines = await File.ReadAllLinesAsync(await filtered.PathAsync());
        Assert.Single(lines);
        Assert.StartsWith("name,business_name,phone,status", lines[0]);

        var narrow = await NewPageAsync(width: 390, height: 844);
        await narrow.GotoAsync($"/campaigns/{id}");
        await WaitForCircuitAsync(narrow);
        await ClickUntilAsync(narrow.Locator("[data-testid=export]"), narrow.Locator("[data-testid=export-dialog]"));
        await Shot(narrow, "r2-export-dialog-narrow");
    }

    [Fact(Timeout = 240_000)]
    public async Task Analytics_DemoMode_ShowsTheWholeDateRangeAndSimulatedTalkTime()
    {
        await CompletedCampaignAsync("Analytics talk", 6, seed: 802);
        foreach (var (width, height) in new[] { (1280, 800), (390, 844) })
        {
            var page = await NewPageAsync(width: width, height: height);
            await page.GotoAsync("/analytics");
            await WaitForCircuitAsync(page);
            var tile = page.Locator("[data-testid=tile-duration]");
            await Expect(tile).ToContainTextAsync("simulated", new() { Timeout = 30_000 });
            // The simulated length is the real one divided by the time scale: minutes, not the 0:0x the calls took.
            var text = await tile.InnerTextAsync();
            var m = Regex.Match(text, @"(\d+):(\d\d) simulated");
            Assert.True(m.Success, text);
            // The simulator's talks last 30 s to 5 min.
            Assert.True(int.Parse(m.Groups[1].Value) * 60 + int.Parse(m.Groups[2].Value) >= 30, text);
            await Expect(tile.Locator("xpath=..")).ToContainTextAsync("real");

            // Both dates of the range, years included, fit in the field.
            var inputs = page.Locator("input[data-testid=analytics-range]").Locator("xpath=..").Locator("input");
            await Expect(inputs).ToHaveCountAsync(2);
            for (var i = 0; i < 2; i++)
            {
                await Expect(inputs.Nth(i)).ToHaveValueAsync(new Regex(@"\b\d{4}\b"));
                var overflow = await inputs.Nth(i).EvaluateAsync<int>("e => e.scrollWidth - e.clientWidth");
                Assert.True(overflow <= 0, $"date {i + 1} of the range is {overflow} px wider than its box at {width} px");
            }
            await Shot(page, $"r3-analytics-{width}", fullPage: width < 600);
        }
    }
}
