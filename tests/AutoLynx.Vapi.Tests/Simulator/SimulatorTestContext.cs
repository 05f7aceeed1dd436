using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AutoLynx.VapiSimulator;

namespace AutoLynx.Vapi.Tests.Simulator;

/// <summary>A simulator plus a webhook receiver plus an authenticated raw HttpClient.</summary>
public sealed class SimulatorTestContext : IAsyncDisposable
{
    private SimulatorTestContext(VapiSimulatorHost simulator, WebhookReceiver receiver, HttpClient http)
    {
        Simulator = simulator;
        Receiver = receiver;
        Http = http;
    }

    public VapiSimulatorHost Simulator { get; }
    public WebhookReceiver Receiver { get; }
    public HttpClient Http { get; }
    public string PhoneNumberId => Simulator.PhoneNumbers[0].Id;

    public static async Task<SimulatorTestContext> StartAsync(Action<SimulatorOptions>? configure = null)
    {
        var receiver = await WebhookReceiver.StartAsync();
        var options = new SimulatorOptions
        {
            TimeScale = 0.001,
            Seed = 7,
            WebhookUrl = receiver.Url.ToString(),
            WebhookSecret = "hook-secret",
        };
        configure?.Invoke(options);
        var simulator = await VapiSimulatorHost.StartAsync(options);
        var http = new HttpClient { BaseAddress = simulator.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        return new SimulatorTestContext(simulator, receiver, http);
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Json(JsonNode node) => Json(node.ToJsonString());

    /// <summary>An assistant that asks for the messages AutoLynx applies (as AutoLynx's own do), or with
    /// <paramref name="vapiDefaults"/> for whatever Vapi sends by default (speech and conversation updates too).</summary>
    public async Task<string> CreateAssistantAsync(JsonObject? extra = null, bool vapiDefaults = false)
    {
        var body = new JsonObject { ["name"] = "Sam outbound", ["firstMessage"] = "Hi {{name}}, this is Sam. Got a minute?" };
        if (!vapiDefaults) body["serverMessages"] = new JsonArray("status-update", "end-of-call-report");
        foreach (var (key, value) in extra ?? [])
        {
            body[key] = value?.DeepClone();
        }

        var response = await Http.PostAsync("/assistant", Json(body));
        response.EnsureSuccessStatusCode();
        return (await ReadAsync(response))["id"]!.GetValue<string>();
    }

    public JsonObject CallBody(string assistantId, string number, string name = "Ann Lee") => new()
    {
        ["assistantId"] = assistantId,
        ["phoneNumberId"] = PhoneNumberId,
        ["customer"] = new JsonObject { ["number"] = number, ["name"] = name, ["externalId"] = "contact-42" },
        ["assistantOverrides"] = new JsonObject
        {
            ["variableValues"] = new JsonObject { ["name"] = name, ["business_name"] = "Lee Bakery" },
            ["metadata"] = new JsonObject { ["campaignId"] = "cmp-7", ["nested"] = new JsonObject { ["anything"] = new JsonArray(1, 2) } },
        },
    };

    public async Task<JsonObject> CreateCallAsync(JsonObject body)
    {
        var response = await Http.PostAsync("/call", Json(body));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return await ReadAsync(response);
    }

    public async Task<JsonNode> GetJsonAsync(string path) => (await Http.GetFromJsonAsync<JsonNode>(path))!;

    /// <summary>PUT /_sim/config with the given changes; returns the response (200 with the new settings, or 400).</summary>
    public Task<HttpResponseMessage> PutConfigAsync(string json) => Http.PutAsync("/_sim/config", Json(json));

    /// <summary>Waits until the call has ended and every one of its webhooks was delivered, dropped or given up
    /// (/_sim/calls webhooksSettled), then returns its /_sim/calls entry.</summary>
    public async Task<JsonNode> WaitForSettledAsync(string id, int timeoutSeconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var call = await SimCallAsync(id);
            if (call["webhooksSettled"]!.GetValue<bool>())
            {
                return call;
            }

            Assert.True(DateTime.UtcNow < deadline, $"webhooks of call {id} did not settle in time");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until every call has ended and all their webhooks settled; returns /_sim/calls.</summary>
    public async Task<JsonArray> WaitForAllSettledAsync(int timeoutSeconds = 30)
    {
        await WaitForAllEndedAsync(timeoutSeconds);
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var calls = (JsonArray)await GetJsonAsync("/_sim/calls");
            if (calls.All(c => c!["webhooksSettled"]!.GetValue<bool>()))
            {
                return calls;
            }

            Assert.True(DateTime.UtcNow < deadline, "webhooks did not settle in time");
            await Task.Delay(20);
        }
    }

    /// <summary>The /_sim/calls entry of one call.</summary>
    public async Task<JsonNode> SimCallAsync(string id) =>
        ((JsonArray)await GetJsonAsync("/_sim/calls")).Single(c => c!["id"]!.GetValue<string>() == id)!;

    /// <summary>Polls /_sim/calls until every call has ended.</summary>
    public async Task<JsonArray> WaitForAllEndedAsync(int timeoutSeconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            // /_sim/stats is cheap; read the full call list only once nothing is active.
            if (Simulator.GetStats().ActiveCalls > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "calls did not end in time");
                await Task.Delay(25);
                continue;
            }

            var calls = (JsonArray)await GetJsonAsync("/_sim/calls");
            if (calls.All(c => c!["status"]!.GetValue<string>() == "ended"))
            {
                return calls;
            }

            Assert.True(DateTime.UtcNow < deadline, "calls did not end in time");
            await Task.Delay(25);
        }
    }

    public static async Task<JsonObject> ReadAsync(HttpResponseMessage response) =>
        (JsonObject)(await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync()))!;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Simulator.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
