using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static AutoLynx.E2E.BlazorPage;

namespace AutoLynx.E2E;

/// <summary>Issue 16 on the pages: the campaign page says when Vapi's webhooks stop arriving, and an imported assistant
/// that asks Vapi for messages AutoLynx drops says so, with a button that trims the list on Vapi.</summary>
[Collection(FirstHourCollection.Name)]
public sealed class OperationsAlertsTests(E2EFixture app, ITestOutputHelper output) : UiTestBase(app, output)
{
    [Fact(Timeout = 240_000)]
    public async Task CampaignPage_WebhooksStopArriving_SaysSo_ThenClearsWhenTheyCome()
    {
        using var api = App.ApiClient();
        using var sim = App.SimulatorClient();
        try
        {
            // A wrong server URL as the app sees it: calls are answered and stay live, and no webhook reaches us.
            await E2EApi.SimConfigAsync(sim, new { faults = new { rateDropWebhook = 1.0, rateNeverEnds = 1.0 } });
            var id = await E2EApi.CreateCampaignAsync(api, "Webhooks lost", E2EApi.Csv(2, 71), cap: 2);
            var page = await NewPageAsync();
            await page.GotoAsync($"/campaigns/{id}");
            await WaitForCircuitAsync(page);
            await Expect(page.Locator("[data-testid=webhooks-stale]")).ToBeHiddenAsync();
            await E2EApi.StartAsync(api, id);

            var alert = page.Locator("[data-testid=webhooks-stale]");
            await Expect(alert).ToBeVisibleAsync(new() { Timeout = 90_000 });
            await Expect(alert).ToContainTextAsync("webhooks are not arriving");
            await Expect(alert).ToContainTextAsync("server URL");
            await Shot(page, "92-webhooks-stale");

            // The server URL is fixed: hanging up the live calls brings their end-of-call reports, and the alert goes.
            await E2EApi.SimConfigAsync(sim, new { faults = new { rateDropWebhook = 0.0, rateNeverEnds = 0.0 } });
            using (var stop = await api.PostAsync($"api/campaigns/{id}/stop?endLiveCalls=true", null))
                Assert.True(stop.IsSuccessStatusCode, await stop.Content.ReadAsStringAsync());
            await Expect(alert).ToBeHiddenAsync(new() { Timeout = 60_000 });
            await Shot(page, "93-webhooks-arrive-again");
        }
        finally
        {
            await E2EApi.SimConfigAsync(sim, new { faults = new { rateDropWebhook = 0.0, rateNeverEnds = 0.0 } });
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task ImportedAssistant_WithVapiDefaultMessages_FlaggedAndTrimmedFromTheEditor()
    {
        // Made in Vapi's dashboard: no serverMessages, so Vapi sends its default list.
        string providerId;
        using (var vapi = App.SimulatorVapiClient())
        using (var made = await vapi.PostAsJsonAsync("assistant", new { name = "Made in the dashboard", firstMessage = "Hi {{name}}" }))
        {
            Assert.True(made.IsSuccessStatusCode, await made.Content.ReadAsStringAsync());
            providerId = JsonNode.Parse(await made.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        }
        using var api = App.ApiClient();
        long id;
        using (var imported = await api.PostAsJsonAsync("api/assistants/import", new { providerAssistantId = providerId }))
        {
            Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync());
            id = (await imported.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        }

        var page = await NewPageAsync();
        await page.GotoAsync($"/assistants/{id}");
        await WaitForCircuitAsync(page);
        var alert = page.Locator("[data-testid=server-messages]");
        await Expect(alert).ToContainTextAsync("conversation-update");
        await Expect(alert).ToContainTextAsync("speech-update");
        await Shot(page, "94-assistant-unused-messages");

        await alert.Locator("[data-testid=trim-server-messages]").ClickAsync();
        await Expect(page.Locator(".mud-snackbar", new() { HasText = "only the messages AutoLynx uses" })).ToBeVisibleAsync();
        await Expect(alert).ToBeHiddenAsync();
        await Shot(page, "95-assistant-messages-trimmed");

        // On Vapi itself, and in the directory's answer.
        using (var vapi = App.SimulatorVapiClient())
        {
            var onVapi = JsonNode.Parse(await vapi.GetStringAsync($"assistant/{providerId}"))!;
            Assert.Equal(["end-of-call-report", "status-update"], onVapi["serverMessages"]!.AsArray().Select(m => m!.GetValue<string>()).Order().ToArray());
        }
        var view = await api.GetFromJsonAsync<JsonElement>($"api/assistants/{id}");
        Assert.Empty(view.GetProperty("unusedServerMessages").EnumerateArray());
    }
}
