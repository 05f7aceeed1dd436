using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace AutoLynx.VapiSimulator;

/// <summary>Delivers server messages. Fire-and-forget like Vapi (timeout, no retry), but one call's messages are
/// delivered one after another so, without faults, they arrive in their natural order.</summary>
internal sealed class WebhookSender : IDisposable
{
    // Vapi's default serverMessages (the subset the simulator produces is status-update and end-of-call-report).
    private static readonly string[] DefaultServerMessages = ["status-update", "end-of-call-report"];

    private readonly HttpClient _http;
    private readonly SimulatorOptions _options;
    private readonly CallStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookSender> _logger;

    public WebhookSender(SimulatorOptions options, CallStore store, TimeProvider time, ILogger<WebhookSender> logger)
    {
        _options = options;
        _store = store;
        _time = time;
        _logger = logger;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 512,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan, // per-request timeout from server.timeoutSeconds
        };
    }

    /// <summary>Queues a message for the call. Must be called under the call's Gate, so queue order = event order.</summary>
    public void Enqueue(SimCall call, string type, string? status, JsonObject message, bool final)
    {
        if (!WantsMessage(call.Assistant, type))
        {
            Record(call, type, status, WebhookResult.Skipped, "skipped: not in serverMessages");
            return;
        }

        var faults = _options.Faults;
        var held = call.HeldWebhook;
        if (call.FaultRandom.Roll(faults.RateDropWebhook))
        {
            Record(call, type, status, WebhookResult.Dropped, "dropped");
        }
        else
        {
            var copies = call.FaultRandom.Roll(faults.RateDuplicateWebhook) ? 2 : 1;
            var item = new PendingWebhook(type, status, Encoding.UTF8.GetBytes(message.ToJsonString(SimJson.Options)), copies);
            if (held is null && !final && call.FaultRandom.Roll(faults.RateReorderWebhook))
            {
                call.HeldWebhook = item; // goes out after the next message
                return;
            }

            Chain(call, item);
        }

        if (held is not null)
        {
            call.HeldWebhook = null;
            Chain(call, held);
        }
    }

    private void Chain(SimCall call, PendingWebhook item) => call.WebhookTail = DeliverAfterAsync(call.WebhookTail, call, item);

    private async Task DeliverAfterAsync(Task previous, SimCall call, PendingWebhook item)
    {
        await previous.ConfigureAwait(false); // never faults
        for (var copy = 0; copy < item.Copies; copy++)
        {
            if (copy > 0)
            {
                _store.Count(WebhookResult.Duplicated);
            }

            await DeliverOnceAsync(call, item).ConfigureAwait(false);
        }
    }

    private async Task DeliverOnceAsync(SimCall call, PendingWebhook item)
    {
        var target = ResolveTarget(call);
        if (target is null)
        {
            Record(call, item.Type, item.Status, WebhookResult.Skipped, "skipped: no server url");
            return;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(call.Generation);
            timeout.CancelAfter(target.Value.Timeout);
            using var request = new HttpRequestMessage(HttpMethod.Post, target.Value.Url);
            request.Content = new ByteArrayContent(item.Payload);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            AddAuthentication(request, item.Payload);
            foreach (var (name, value) in target.Value.Headers)
            {
                request.Headers.Remove(name);
                if (!request.Headers.TryAddWithoutValidation(name, value))
                {
                    request.Content.Headers.Remove(name);
                    request.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }

            using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            var ok = response.IsSuccessStatusCode;
            Record(call, item.Type, item.Status, ok ? WebhookResult.Sent : WebhookResult.Failed,
                ok ? "sent" : $"failed: {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or InvalidOperationException)
        {
            if (call.Generation.IsCancellationRequested)
            {
                return; // reset or shutdown: nothing to count
            }

            _logger.LogDebug(ex, "Webhook {Type} for call {CallId} failed", item.Type, call.Id);
            Record(call, item.Type, item.Status, WebhookResult.Failed, "failed: " + (ex is OperationCanceledException ? "timeout" : ex.Message));
        }
    }

    private void AddAuthentication(HttpRequestMessage request, byte[] payload)
    {
        if (!string.IsNullOrEmpty(_options.WebhookSecret))
        {
            request.Headers.TryAddWithoutValidation("X-Vapi-Secret", _options.WebhookSecret);
        }

        if (!string.IsNullOrEmpty(_options.WebhookBearerToken))
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + _options.WebhookBearerToken);
        }

        if (!string.IsNullOrEmpty(_options.WebhookHmacSecret))
        {
            var timestamp = _time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            var signed = Encoding.UTF8.GetBytes(timestamp + ".").Concat(payload).ToArray();
            var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(_options.WebhookHmacSecret), signed));
            request.Headers.TryAddWithoutValidation(_options.WebhookHmacSignatureHeader, signature);
            request.Headers.TryAddWithoutValidation(_options.WebhookHmacTimestampHeader, timestamp);
        }
    }

    /// <summary>assistant.server (saved or transient, after overrides) → phone number server → org server URL.</summary>
    private (Uri Url, List<(string Name, string Value)> Headers, TimeSpan Timeout)? ResolveTarget(SimCall call)
    {
        var server = call.Assistant["server"] as JsonObject;
        if (server.GetString("url") is null)
        {
            server = call.PhoneNumberJson["server"] as JsonObject;
        }

        var url = server.GetString("url") ?? _options.WebhookUrl;
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return null;
        }

        var headers = new List<(string, string)>();
        if (server.GetString("secret") is { } legacySecret)
        {
            headers.Add(("X-Vapi-Secret", legacySecret));
        }

        if (server?["headers"] is JsonObject custom)
        {
            headers.AddRange(custom.Select(h => (h.Key, h.Value?.ToString() ?? "")));
        }

        var seconds = server.GetNumber("timeoutSeconds") ?? 20; // real seconds, not scaled
        return (uri, headers, TimeSpan.FromSeconds(seconds));
    }

    private static bool WantsMessage(JsonObject assistant, string type) =>
        assistant["serverMessages"] is JsonArray list
            ? list.Any(m => m?.ToString() == type)
            : DefaultServerMessages.Contains(type);

    private void Record(SimCall call, string type, string? status, WebhookResult result, string detail)
    {
        if (call.Generation.IsCancellationRequested)
        {
            return; // the call belongs to a reset (or stopped) simulator
        }

        _store.Count(result);
        lock (call.Gate)
        {
            call.Webhooks.Add(new WebhookRecord(type, status, _time.GetUtcNow(), detail));
        }
    }

    public void Dispose() => _http.Dispose();
}
