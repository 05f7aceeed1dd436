using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static AutoLynx.E2E.BlazorPage;

namespace AutoLynx.E2E;

/// <summary>
/// A campaign's page as a user meets it: a contact's calls open where the eye is (mouse and keyboard), the call plays,
/// labels say what happened, live calls are listed, and Stop, re-run, edit and delete are on the page.
/// </summary>
[Collection(FirstHourCollection.Name)]
public sealed class CampaignPageTests(E2EFixture app, ITestOutputHelper output) : UiTestBase(app, output)
{
    private const double TimeScale = 0.005; // E2EFixture's Simulator:TimeScale

    private async Task<long> CompletedCampaignAsync(string name, int contacts, object outcomes, int seed)
    {
        using var sim = App.SimulatorClient();
        await E2EApi.SimConfigAsync(sim, outcomes);
        using var api = App.ApiClient();
        var id = await E2EApi.CreateCampaignAsync(api, name, E2EApi.Csv(contacts, seed), cap: 10);
        await E2EApi.StartAsync(api, id);
        await E2EApi.WaitForStatusAsync(api, id, "COMPLETED");
        return id;
    }

    [Fact(Timeout = 180_000)]
    public async Task ContactDrawer_ClickOrKeyboard_OpensTheContactsCallsInView()
    {
        var id = await CompletedCampaignAsync("Drawer", 30, E2EApi.Outcomes(talked: 1), seed: 10);
        var page = await NewPageAsync();
        await page.GotoAsync($"/campaigns/{id}");
        await WaitForCircuitAsync(page);
        var rows = page.Locator("[data-testid=contacts-table] tbody tr");
        await Expect(rows).ToHaveCountAsync(25);

        // Mouse: a click on the row opens the drawer, inside the viewport, with the contact's call.
        await rows.Nth(3).Locator("td[data-label=Phone]").ClickAsync();
        var drawer = page.Locator("[data-testid=contact-drawer]");
        await Expect(drawer).ToBeVisibleAsync();
        await Expect(drawer).ToContainTextAsync("Person 10-03");
        await Expect(drawer.Locator("[data-testid=call-card]")).ToHaveCountAsync(1);
        await Expect(drawer).ToContainTextAsync("Attempt 1");
        await AssertInViewportAsync(page, drawer, 1280, 800);
        await Shot(page, "43-contact-drawer");
        await page.Keyboard.PressAsync("Escape");
        await Expect(drawer).ToBeHiddenAsync();

        // Keyboard: from the search field, Tab reaches the sort headers; Enter sorts.
        await Input(page, "contact-search").FocusAsync();
        var nameHeader = await TabUntilAsync(page, "el => el.closest('th') && el.textContent.trim() === 'Name'");
        await AssertFocusRingAsync(nameHeader);
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.PressAsync("Enter");
        await Expect(rows.First).ToContainTextAsync("Person 10-29");
        await Shot(page, "44-sort-header-focused");

        // ... and the rows: Enter on a row opens its contact's calls, Escape closes them.
        var rowButton = await TabUntilAsync(page, "el => el.matches('[data-testid=contact-open]')");
        await AssertFocusRingAsync(rowButton);
        Assert.Equal("Person 10-29", (await rowButton.InnerTextAsync()).Trim());
        await page.Keyboard.PressAsync("Enter");
        await Expect(drawer).ToBeVisibleAsync();
        await Expect(drawer).ToContainTextAsync("Person 10-29");
        // Escape is MudBlazor's once focus has moved into the dialog (its key handler is attached after it renders).
        await page.WaitForFunctionAsync("() => !!document.activeElement?.closest('.mud-dialog')");
        await page.Keyboard.PressAsync("Escape");
        await Expect(drawer).ToBeHiddenAsync();
    }

    [Fact(Timeout = 180_000)]
    public async Task CallDetails_TalkedCall_PlaysAudibleRecordingBesideTranscript()
    {
        var id = await CompletedCampaignAsync("Recordings", 2, E2EApi.Outcomes(talked: 1), seed: 11);
        using var api = App.ApiClient();
        var contact = (await E2EApi.ContactsAsync(api, id))[0];
        var call = (await api.GetFromJsonAsync<JsonElement>($"api/campaigns/{id}/calls?contactId={contact.GetProperty("id").GetInt64()}"))[0];
        var duration = call.GetProperty("durationSeconds").GetDouble();

        var page = await NewPageAsync();
        await page.GotoAsync($"/campaigns/{id}");
        await WaitForCircuitAsync(page);
        await page.Locator("[data-testid=contact-open]").First.ClickAsync();
        var card = page.Locator("[data-testid=call-card]").First;
        var audio = card.Locator("audio[data-testid=recording]");
        await Expect(audio).ToBeVisibleAsync();
        await Expect(card.Locator("[data-testid=transcript]")).ToContainTextAsync("Person 11-00");

        // Beside: the transcript starts to the right of the player, not below the fold.
        var player = (await audio.BoundingBoxAsync())!;
        var transcript = (await card.Locator("[data-testid=transcript]").BoundingBoxAsync())!;
        Assert.True(transcript.X >= player.X + player.Width - 1, $"transcript at x={transcript.X}, player ends at {player.X + player.Width}");
        Assert.True(transcript.Y < player.Y + 200, $"transcript at y={transcript.Y}, player at {player.Y}");

        // It plays (metadata loads, longer than a second) and is not silence.
        var seconds = await audio.EvaluateAsync<double>("""
            a => new Promise((resolve, reject) => {
              if (a.readyState >= 1) return resolve(a.duration);
              a.addEventListener('loadedmetadata', () => resolve(a.duration));
              a.addEventListener('error', () => reject(new Error('audio error ' + (a.error && a.error.code))));
              a.load();
            })
            """);
        Assert.True(seconds > 1, $"recording lasts {seconds} s");
        // What the player was given (read outside the page: the recording lives on another origin, as Vapi's do).
        var src = await audio.EvaluateAsync<string>("a => a.currentSrc || a.src");
        var wav = await (await page.Context.APIRequest.GetAsync(src)).BodyAsync();
        var loudest = 0;
        for (var i = 44; i + 1 < wav.Length; i += 2) loudest = Math.Max(loudest, Math.Abs((int)BitConverter.ToInt16(wav, i)));
        Assert.True(loudest > 1000, $"loudest sample {loudest}: the recording is silent");

        // The real length, and the simulated one beside it, labelled as such.
        await Expect(card.Locator("[data-testid=call-duration]")).ToContainTextAsync(Clock(duration));
        var simulated = card.Locator("[data-testid=simulated-length]");
        await Expect(simulated).ToContainTextAsync("simulated");
        await Expect(simulated).ToContainTextAsync(Clock(duration / TimeScale));

        // Words, not wire values: the raw ended reason only on hover, no "(success: true)".
        var endedReason = call.GetProperty("endedReason").GetString()!;
        var outcome = card.Locator("[data-testid=call-outcome] [data-status]");
        await Expect(outcome).ToHaveTextAsync("Talked");
        await Expect(outcome).ToHaveAttributeAsync("title", new Regex(Regex.Escape(endedReason)));
        var text = await card.InnerTextAsync();
        Assert.DoesNotContain("(success:", text);
        Assert.DoesNotContain(endedReason, text);
        await Shot(page, "45-call-recording-transcript");
    }

    [Fact(Timeout = 180_000)]
    public async Task FinishedCampaign_CountersAndContacts_SayWhatHappenedInWords()
    {
        var id = await CompletedCampaignAsync("Words", 12, E2EApi.Outcomes(talked: 1, noAnswer: 1, busy: 1), seed: 12);
        using var api = App.ApiClient();
        var contacts = (await E2EApi.ContactsAsync(api, id)).EnumerateArray().ToList();
        int Count(params string[] outcomes) => contacts.Count(c => outcomes.Contains(c.GetProperty("lastOutcome").GetString()));
        var talked = Count("talked");
        var notReached = Count("no-answer", "busy", "voicemail");
        Output.WriteLine($"talked {talked}, not reached {notReached} of {contacts.Count}");
        Assert.True(talked > 0 && notReached > 0, "the mix should give both");

        var page = await NewPageAsync();
        await page.GotoAsync($"/campaigns/{id}");
        await WaitForCircuitAsync(page);
        await Expect(page.Locator("[data-testid=counter-talked]")).ToHaveTextAsync(talked.ToString());
        await Expect(page.Locator("[data-testid=counter-not-reached]")).ToHaveTextAsync(notReached.ToString());
        await Expect(page.Locator("[data-testid=counters]")).Not.ToContainTextAsync("Called");

        // A no-answer contact reads "No answer" in amber, not a green "Completed"; the raw reason only on hover.
        var noAnswer = contacts.First(c => c.GetProperty("lastOutcome").GetString() == "no-answer");
        var row = page.Locator("[data-testid=contacts-table] tbody tr", new() { HasText = noAnswer.GetProperty("name").GetString()! });
        var chip = row.Locator("td[data-label=Status] [data-status]");
        await Expect(chip).ToHaveTextAsync("No answer");
        await Expect(chip).ToHaveClassAsync(new Regex("mud-chip-color-warning"));
        await Expect(chip).ToHaveAttributeAsync("title", new Regex("customer-did-not-answer"));
        var talkedRow = page.Locator("[data-testid=contacts-table] tbody tr", new()
        {
            HasText = contacts.First(c => c.GetProperty("lastOutcome").GetString() == "talked").GetProperty("name").GetString()!,
        });
        await Expect(talkedRow.Locator("td[data-label=Status] [data-status]")).ToHaveTextAsync("Talked");
        await Expect(talkedRow.Locator("td[data-label=Status] [data-status]")).ToHaveClassAsync(new Regex("mud-chip-color-success"));
        var main = await page.Locator(".mud-main-content").InnerTextAsync();
        Assert.DoesNotContain("customer-did-not-answer", main);
        await Expect(page.Locator("[data-testid=contacts-table] [data-status=completed]")).ToHaveCountAsync(0);
        await Shot(page, "46-campaign-words");
    }

    [Fact(Timeout = 240_000)]
    public async Task LiveCampaign_InCallListedPauseResumeToastStopHangsUp_ThenRerunEditDelete()
    {
        using var sim = App.SimulatorClient();
        using var api = App.ApiClient();
        await E2EApi.SimConfigAsync(sim, E2EApi.Outcomes(talked: 1));
        await E2EApi.SimConfigAsync(sim, new { faults = new { rateNeverEnds = 1.0 } });
        try
        {
            var id = await E2EApi.CreateCampaignAsync(api, "Live", E2EApi.Csv(5, 13), cap: 2);
            var page = await NewPageAsync();
            await page.GotoAsync($"/campaigns/{id}");
            await WaitForCircuitAsync(page);
            await page.EvaluateAsync("""
                () => {
                  window.__maxToasts = 0;
                  new MutationObserver(() => {
                    window.__maxToasts = Math.max(window.__maxToasts, document.querySelectorAll('.mud-snackbar').length);
                  }).observe(document.body, { subtree: true, childList: true });
                }
                """);
            await page.Locator("[data-testid=start]").ClickAsync();

            // Two people in conversation: listed live, and their rows say "In call", not "Dialing".
            var live = page.Locator("[data-testid=live-calls] [data-testid=live-call]");
            await Expect(live).ToHaveCountAsync(2, new() { Timeout = 30_000 });
            await Expect(live.First).ToContainTextAsync("In call", new() { Timeout = 30_000 });
            await Expect(page.Locator("[data-testid=contacts-table] [data-status=in-call]")).ToHaveCountAsync(2, new() { Timeout = 30_000 });
            await Shot(page, "47-live-calls");

            // Pause and Resume say so.
            await page.Locator("[data-testid=pause]").ClickAsync();
            await Expect(page.Locator(".mud-snackbar", new() { HasText = "paused" })).ToBeVisibleAsync();
            await page.Locator("[data-testid=resume]").ClickAsync();
            await Expect(page.Locator(".mud-snackbar", new() { HasText = "resumed" })).ToBeVisibleAsync();
            Assert.True(await page.EvaluateAsync<int>("() => window.__maxToasts") <= 2, "toasts pile up over the page");

            // Stop offers to hang up the live calls; both end, and the three never called say why.
            await page.Locator("[data-testid=stop]").ClickAsync();
            var dialog = page.Locator(".mud-dialog");
            await Expect(dialog).ToContainTextAsync("2 calls are live");
            await CheckBox(dialog, "stop-end-live").CheckAsync();
            await Shot(page, "48-stop-dialog");
            await dialog.Locator("[data-testid=stop-confirm]").ClickAsync();
            await Expect(page.Locator("[data-testid=campaign-status] [data-status]")).ToHaveAttributeAsync("data-status", "STOPPED");
            await Expect(page.Locator(".mud-snackbar", new() { HasText = "stopped" })).ToBeVisibleAsync();
            await Expect(live).ToHaveCountAsync(0, new() { Timeout = 30_000 });
            await Expect(page.Locator("[data-testid=campaign-meta]")).ToContainTextAsync("stopped ");
            var notCalled = page.Locator("[data-testid=contacts-table] td[data-label=Status] [data-status]", new() { HasText = "Not called: campaign stopped" });
            await Expect(notCalled).ToHaveCountAsync(3);
            // The two hung up are not failures, and the note offers the three never called as a new campaign.
            await Expect(page.Locator("[data-testid=counter-failed]")).ToHaveTextAsync("0");
            await Expect(page.Locator("[data-testid=counter-failed-detail]")).ToContainTextAsync("2 more cancelled");
            await Expect(page.Locator("[data-testid=counter-skipped]")).ToHaveTextAsync("3");
            await Expect(page.Locator("[data-testid=stopped-note]")).ToContainTextAsync("3 contacts were not called");
            await Shot(page, "49-stopped");

            // Re-run the ones never called: a new campaign with exactly them, their extra columns kept.
            await page.Locator("[data-testid=rerun-not-called]").ClickAsync();
            dialog = page.Locator(".mud-dialog");
            await Expect(CheckBox(dialog, "dup-filter-not-called")).ToBeCheckedAsync();
            await Expect(dialog.Locator("[data-testid=duplicate-create]")).ToContainTextAsync("3 contacts");
            await dialog.Locator("[data-testid=duplicate-create]").ClickAsync();
            await Expect(page).Not.ToHaveURLAsync(new Regex($"/campaigns/{id}$"));
            await Expect(page).ToHaveURLAsync(new Regex(@"/campaigns/\d+$"));
            var copy = long.Parse(Regex.Match(page.Url, @"/campaigns/(\d+)$").Groups[1].Value);
            await Expect(page.Locator("[data-testid=campaign-status] [data-status]")).ToHaveAttributeAsync("data-status", "CREATED");
            await Expect(page.Locator("[data-testid=counter-total]")).ToHaveTextAsync("3");
            var copied = (await E2EApi.ContactsAsync(api, copy)).EnumerateArray().ToList();
            Assert.Equal(["Person 13-02", "Person 13-03", "Person 13-04"], copied.Select(c => c.GetProperty("name").GetString()).Order().ToArray());
            Assert.All(copied, c => Assert.StartsWith("Town ", c.GetProperty("extra").GetProperty("city").GetString()));

            // A never-started campaign can be edited and deleted from its page; there is nothing to stop.
            await WaitForCircuitAsync(page);
            await Expect(page.Locator("[data-testid=start]")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-testid=stop]")).ToHaveCountAsync(0);
            // A click that lands while the page renders the new campaign is lost (fresh-clone CI saw it once): click until it opens.
            await ClickUntilAsync(page.Locator("[data-testid=edit]"), Input(page, "edit-name"));
            await Input(page, "edit-name").FillAsync("Live — second try");
            await Input(page, "edit-cap").FillAsync("3");
            await page.Locator("[data-testid=edit-save]").ClickAsync();
            await Expect(page.Locator("[data-testid=campaign-title]")).ToHaveTextAsync("Live — second try");
            await Expect(page.Locator("[data-testid=campaign-meta]")).ToContainTextAsync("cap 3");
            await ClickUntilAsync(page.Locator("[data-testid=delete]"), page.Locator(".mud-dialog button", new() { HasText = "Delete campaign" }));
            await page.Locator(".mud-dialog button", new() { HasText = "Delete campaign" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/campaigns$"));
            Assert.Equal(404, (int)(await api.GetAsync($"api/campaigns/{copy}")).StatusCode);
        }
        finally
        {
            await E2EApi.SimConfigAsync(sim, new { faults = new { rateNeverEnds = 0.0 } });
        }
    }

    private static string Clock(double seconds) => TimeSpan.FromSeconds(Math.Round(seconds)).ToString(seconds >= 3600 ? @"h\:mm\:ss" : @"m\:ss");

    /// <summary>Presses Tab until the focused element matches <paramref name="predicate"/> (a JS function of the element).</summary>
    private static async Task<ILocator> TabUntilAsync(IPage page, string predicate, int max = 40)
    {
        for (var i = 0; i < max; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>($"() => {{ const el = document.activeElement; return !!el && ({predicate})(el); }}"))
                return page.Locator(":focus");
        }
        throw new Xunit.Sdk.XunitException($"Tab never reached an element where {predicate}");
    }

    /// <summary>A visible focus ring: an outline (or ring shadow) at least 2 px wide.</summary>
    private static async Task AssertFocusRingAsync(ILocator focused)
    {
        var ring = await focused.EvaluateAsync<string>("""
            el => { const s = getComputedStyle(el); return `${s.outlineStyle} ${s.outlineWidth} ${s.boxShadow}`; }
            """);
        var parts = ring.Split(' ', 3);
        var width = double.Parse(parts[1].Replace("px", ""), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True((parts[0] != "none" && width >= 2) || parts[2] != "none", $"no visible focus ring: {ring}");
    }

    private static async Task AssertInViewportAsync(IPage page, ILocator element, int width, int height)
    {
        await page.WaitForTimeoutAsync(400); // the drawer slides in
        var box = (await element.BoundingBoxAsync())!;
        Assert.True(box.X >= 0 && box.Y >= 0 && box.X + box.Width <= width + 1 && box.Y < height - 100,
            $"drawer at x={box.X} y={box.Y} w={box.Width} h={box.Height}, viewport {width}×{height}");
    }
}
