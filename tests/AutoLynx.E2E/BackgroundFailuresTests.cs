using System.Net.Http.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static AutoLynx.E2E.BlazorPage;

namespace AutoLynx.E2E;

/// <summary>
/// US-5.3 on the page: failures that happen in the background, with nobody pressing a button, show on the affected
/// campaign with what happened and what to do. Its own app: the failing line would stay failing for the next tests.
/// </summary>
public sealed class BackgroundFailuresTests(E2EFixture app, ITestOutputHelper output) : UiTestBase(app, output), IClassFixture<E2EFixture>
{
    [Fact(Timeout = 180_000)]
    public async Task KeyRefusedByVapi_CampaignPageSaysPausedAndWhatToDo_ResumeFinishes()
    {
        using var api = App.ApiClient();
        using var sim = App.SimulatorClient();
        await E2EApi.SimConfigAsync(sim, E2EApi.Outcomes(talked: 1));
        var id = await E2EApi.CreateCampaignAsync(api, "Key refused", E2EApi.Csv(3, 61), cap: 1);
        var page = await NewPageAsync();
        await page.GotoAsync($"/campaigns/{id}");
        await WaitForCircuitAsync(page);

        // Vapi refuses the key on the first call (a rotated key): nobody is called, the campaign pauses and says why.
        using (var fault = await sim.PostAsJsonAsync("_sim/faults/next", new { status = 401, path = "/call", method = "POST", message = "Invalid Key. Hot tip, you may be using the private key instead of the public key, or vice versa." }))
            fault.EnsureSuccessStatusCode();
        await page.Locator("[data-testid=start]").ClickAsync();
        await Expect(page.Locator("[data-testid=campaign-status] [data-status]")).ToHaveAttributeAsync("data-status", "PAUSED", new() { Timeout = 30_000 });
        var reason = page.Locator("[data-testid=status-reason]");
        await Expect(reason).ToContainTextAsync("Vapi refused AutoLynx's API key");
        await Expect(reason).ToContainTextAsync("Invalid Key"); // Vapi's own words
        await Expect(reason).ToContainTextAsync("then resume");  // what to do
        await Expect(page.Locator("[data-testid=counter-failed]")).ToHaveTextAsync("0");
        await Shot(page, "95-paused-key-refused");

        // The key is right again (the fault was one answer): Resume clears the reason and the campaign finishes.
        await page.Locator("[data-testid=resume]").ClickAsync();
        await Expect(reason).ToBeHiddenAsync();
        await Expect(page.Locator("[data-testid=campaign-status] [data-status]")).ToHaveAttributeAsync("data-status", "COMPLETED", new() { Timeout = 90_000 });
    }

    [Fact(Timeout = 240_000)]
    public async Task CarrierFailsEveryCall_PageNamesTheFailingLineAndTheBreakerPausesSayingWhatToDo()
    {
        using var api = App.ApiClient();
        using var sim = App.SimulatorClient();
        try
        {
            await E2EApi.SimConfigAsync(sim, E2EApi.Outcomes(failedToConnect: 1));
            var id = await E2EApi.CreateCampaignAsync(api, "Carrier down", E2EApi.Csv(30, 62), cap: 5);
            var page = await NewPageAsync();
            await page.GotoAsync($"/campaigns/{id}");
            await WaitForCircuitAsync(page);
            await page.Locator("[data-testid=start]").ClickAsync();

            // The line fails call after call: its chip and message say so on the campaign page, with the last error.
            var failing = page.Locator("[data-testid=line-failing]");
            await Expect(failing).ToBeVisibleAsync(new() { Timeout = 90_000 });
            await Expect(failing).ToContainTextAsync("Last error");
            await Expect(page.Locator("[data-testid=line-health]")).ToHaveAttributeAsync("data-status", "failing");

            // The failure breaker stops the campaign from burning through the list, and says what to check.
            await Expect(page.Locator("[data-testid=campaign-status] [data-status]")).ToHaveAttributeAsync("data-status", "PAUSED", new() { Timeout = 90_000 });
            var reason = page.Locator("[data-testid=status-reason]");
            await Expect(reason).ToContainTextAsync("failure breaker");
            await Expect(reason).ToContainTextAsync("Check the phone line's health");
            var summary = await E2EApi.SummaryAsync(api, id);
            Assert.True(summary.GetProperty("counters").GetProperty("pending").GetInt32() > 0, "the breaker paused only once the list was used up");
            await Shot(page, "96-line-failing-breaker-paused", fullPage: true);
        }
        finally
        {
            await E2EApi.SimConfigAsync(sim, E2EApi.Outcomes(talked: 1));
        }
    }
}
