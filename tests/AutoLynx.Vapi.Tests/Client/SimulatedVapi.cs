using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AutoLynx.Vapi.Models;
using AutoLynx.VapiSimulator;

namespace AutoLynx.Vapi.Tests.Client;

/// <summary>An in-process simulator and a <see cref="VapiClient"/> talking to it over a real loopback socket.</summary>
public sealed class SimulatedVapi : IAsyncDisposable
{
    private readonly List<HttpClient> _clients = [];

    private SimulatedVapi(VapiSimulatorHost simulator)
    {
        Simulator = simulator;
        Client = CreateClient(simulator.Options.ApiKey);
    }

    public VapiSimulatorHost Simulator { get; }

    public VapiClient Client { get; }

    public string PhoneNumberId => Simulator.PhoneNumbers[0].Id;

    /// <summary>Starts a simulator with tiny time scale and no webhook target (the client tests do not need webhooks).</summary>
    public static async Task<SimulatedVapi> StartAsync(Action<SimulatorOptions>? configure = null)
    {
        var options = new SimulatorOptions { TimeScale = 0.001, Seed = 7 };
        configure?.Invoke(options);
        return new SimulatedVapi(await VapiSimulatorHost.StartAsync(options));
    }

    /// <summary>A client built the way the app builds it: base address with a trailing slash, Bearer key.</summary>
    public VapiClient CreateClient(string apiKey)
    {
        var http = new HttpClient
        {
            BaseAddress = new Uri(Simulator.BaseUrl.ToString().TrimEnd('/') + "/"),
            Timeout = TimeSpan.FromSeconds(30),
            DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", apiKey) },
        };
        lock (_clients)
        {
            _clients.Add(http);
        }

        return new VapiClient(http);
    }

    public async Task<VapiAssistant> CreateAssistantAsync(string name = "Sam outbound") =>
        await Client.CreateAssistantAsync(new JsonObject
        {
            ["name"] = name,
            ["firstMessage"] = "Hi {{name}}, this is Sam. Got a minute?",
        });

    public CreateCallRequest CallRequest(string assistantId, string number = "+14155550123", string campaignId = "cmp-7") => new()
    {
        AssistantId = assistantId,
        PhoneNumberId = PhoneNumberId,
        Name = "client test",
        Customer = new VapiCustomer { Number = number, Name = "Ann Lee", ExternalId = "contact-42" },
        AssistantOverrides = new JsonObject
        {
            ["variableValues"] = new JsonObject { ["name"] = "Ann Lee", ["business_name"] = "Lee Bakery" },
            ["metadata"] = new JsonObject { ["campaignId"] = campaignId, ["attempt"] = 1 },
        },
    };

    /// <summary>Polls GET /call/{id} through the client until <paramref name="done"/> holds.</summary>
    public async Task<VapiCall> PollCallAsync(string id, Func<VapiCall, bool> done, int timeoutSeconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var call = await Client.GetCallAsync(id);
            if (done(call))
            {
                return call;
            }

            Assert.True(DateTime.UtcNow < deadline, $"call {id} stayed {call.Status}");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_clients)
        {
            foreach (var http in _clients)
            {
                http.Dispose();
            }
        }

        await Simulator.DisposeAsync();
    }
}
