using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AutoLynx.Vapi.Tests.Simulator;

public sealed record ReceivedWebhook(JsonObject Message, IReadOnlyDictionary<string, string> Headers, string Path, string RawBody)
{
    public string Type => Message["type"]!.GetValue<string>();
    public string? Status => Message["status"]?.GetValue<string>();
    public string CallId => Message["call"]!["id"]!.GetValue<string>();
}

/// <summary>A minimal server-URL endpoint on a free loopback port that records every webhook.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    /// <summary>The status code to answer each webhook with (recorded either way); 200 by default.</summary>
    public Func<ReceivedWebhook, int> StatusFor { get; set; } = _ => 200;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.UseRouting();
        app.MapPost("/{**path}", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var raw = await reader.ReadToEndAsync();
            var body = JsonNode.Parse(raw);
            var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var webhook = new ReceivedWebhook((JsonObject)body!["message"]!, headers, request.Path, raw);
            receiver._received.Enqueue(webhook);
            var status = receiver.StatusFor(webhook);
            return status == 200 ? Results.Ok(new { }) : Results.StatusCode(status);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(address + "/webhook");
        return receiver;
    }

    public List<ReceivedWebhook> ForCall(string callId) => Received.Where(w => w.CallId == callId).ToList();

    /// <summary>Waits until <paramref name="done"/> holds for what was received, or fails after the timeout.</summary>
    public async Task<List<ReceivedWebhook>> WaitAsync(Func<List<ReceivedWebhook>, bool> done, int timeoutSeconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var snapshot = Received.ToList();
            if (done(snapshot))
            {
                return snapshot;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Webhooks did not arrive in time; got {snapshot.Count}: " +
                    string.Join(", ", snapshot.Select(w => w.Type + ":" + w.Status)));
            }

            await Task.Delay(20);
        }
    }

    public Task<List<ReceivedWebhook>> WaitForReportAsync(string callId, int timeoutSeconds = 15) =>
        WaitAsync(all => all.Any(w => w.CallId == callId && w.Type == "end-of-call-report"), timeoutSeconds);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
