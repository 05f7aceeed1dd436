using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace AutoLynx.VapiSimulator;

/// <summary>Delivers server messages. Fire-and-forget like Vapi (timeout, no retry unless configured), but one call's
/// messages are delivered one after another so, without faults, they arrive in their natural order.</summary>
/// <remarks>One HttpClient over one SocketsHttpHandler for every delivery, with room for more connections than there
/// are live calls, so 1,000 calls' webhooks never queue behind a connection limit.</remarks>
internal sealed class WebhookSender : IDisposable
{
    // Vapi's default serverMessages, for an assistant that sets none. The simulator produces status-update,
    // end-of-call-report, speech-update and conversation-update of these.
    private static readonly string[] DefaultServerMessages =
    [
        "conversation-update", "end-of-call-report", "function-call", "hang", "speech-update", "status-update", "tool-calls",
        "transfer-destination-request", "handoff-destination-request", "user-interrupted", "assistant.started",
    ];

    private readonly HttpClient _http;
    private readonly SimulatorOptions _options;
    private readonly CallStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookSender> _logger;
    private readonly Lock _burstGate = new();
    private TaskCompletionSource<int>? _burst;
    private int _burstNumber;

    public WebhookSender(SimulatorOptions options, CallStore store, TimeProvider time, ILogger<WebhookSender> logger)
    {
        _options = options;
        _store = store;
        _time = time;
        _logger = logger;
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 2048,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            UseCookies = false,
            UseProxy = false, // a loopback receiver must not be routed through a proxy from the environment
        })
        {
            Timeout = Timeout.InfiniteTimeSpan, // per-request timeout from server.timeoutSeconds
        };
    }

    /// <summary>Queues a message for the call. Must be called under the call's Gate, so queue order = event order.</summary>
    public void Enqueue(SimCall call, string type, string? status, byte[] payload, bool final)
    {
        if (!Wants(call.Assistant, type))
        {
            Record(call, type, status, WebhookResult.Skipped, "skipped: not in serverMessages");
            return;
        }

        var faults = _options.Faults;
        var held = call.HeldWebhook;
        if (faults.DropApplies(type, status) && call.FaultRandom.Roll(faults.RateDropWebhook))
        {
            Record(call, type, status, WebhookResult.Dropped, "dropped");
        }
        else
        {
            var copies = call.FaultRandom.Roll(faults.RateDuplicateWebhook) ? 2 : 1;
            Task<int>? burst = null;
            if (call.FaultRandom.Roll(faults.RateBurst))
            {
                _store.Count(WebhookResult.BurstHeld);
                burst = JoinBurst(faults.BurstIntervalMs);
            }

            var item = new PendingWebhook(type, status, payload, copies, burst);
            Interlocked.Increment(ref call.PendingWebhooks);
            _store.WebhookQueued(call);
            if (held is null && !final && call.FaultRandom.Roll(faults.RateReorderWebhook))
            {
                _store.Count(WebhookResult.Reordered);
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

    /// <summary>The burst now gathering: it opens with its first held webhook and releases every webhook that joined
    /// it at once, <paramref name="intervalMs"/> later. Completes with the burst's number.</summary>
    private Task<int> JoinBurst(int intervalMs)
    {
        lock (_burstGate)
        {
            if (_burst is null)
            {
                var burst = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                _burst = burst;
                var number = ++_burstNumber;
                _ = ReleaseBurstAsync(burst, number, intervalMs);
            }

            return _burst.Task;
        }
    }

    private async Task ReleaseBurstAsync(TaskCompletionSource<int> burst, int number, int intervalMs)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, intervalMs)), _time).ConfigureAwait(false);
        }
        finally
        {
            lock (_burstGate)
            {
                if (_burst == burst)
                {
                    _burst = null;
                }
            }

            burst.TrySetResult(number);
        }
    }

    private void Chain(SimCall call, PendingWebhook item) => call.WebhookTail = DeliverAfterAsync(call.WebhookTail, call, item);

    private async Task DeliverAfterAsync(Task previous, SimCall call, PendingWebhook item)
    {
        try
        {
            await previous.ConfigureAwait(false); // never faults
            int? burst = item.Burst is null ? null : await item.Burst.ConfigureAwait(false);
            for (var copy = 0; copy < item.Copies; copy++)
            {
                if (copy > 0)
                {
                    _store.Count(WebhookResult.Duplicated);
                }

                await DeliverAsync(call, item, burst).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Delivering webhook {Type} for call {CallId} failed", item.Type, call.Id);
        }
        finally
        {
            _store.WebhookDone(call);
            Interlocked.Decrement(ref call.PendingWebhooks);
        }
    }

    /// <summary>One delivery: a first attempt plus the retries the server's backoffPlan (or WebhookRetries) allows.</summary>
    private async Task DeliverAsync(SimCall call, PendingWebhook item, int? burst)
    {
        if (ResolveTarget(call) is not { } target)
        {
            Record(call, item.Type, item.Status, WebhookResult.Skipped, "skipped: no server url");
            return;
        }

        var retry = target.Retry;
        for (var attempt = 0; ; attempt++)
        {
            var (ok, statusCode, detail) = await SendOnceAsync(call, item, target).ConfigureAwait(false);
            if (call.Generation.IsCancellationRequested)
            {
                return; // reset or shutdown: nothing to count
            }

            if (ok)
            {
                Record(call, item.Type, item.Status, WebhookResult.Sent, "sent", attempt + 1, burst, item.Payload.Length);
                return;
            }

            var retriable = statusCode is not { } code || !retry.ExcludedStatusCodes.Contains(code);
            if (attempt >= retry.MaxRetries || !retriable)
            {
                Record(call, item.Type, item.Status, WebhookResult.Failed, "failed: " + detail, attempt + 1, burst);
                return;
            }

            _store.Count(WebhookResult.Retried);
            try
            {
                await Task.Delay(retry.DelayBefore(attempt + 1), _time, call.Generation).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<(bool Ok, int? StatusCode, string Detail)> SendOnceAsync(SimCall call, PendingWebhook item, Target target)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(call.Generation);
            timeout.CancelAfter(target.Timeout);
            using var request = new HttpRequestMessage(HttpMethod.Post, target.Url);
            request.Content = new ByteArrayContent(item.Payload);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            AddAuthentication(request, item.Payload);
            foreach (var (name, value) in target.Headers)
            {
                request.Headers.Remove(name);
                if (!request.Headers.TryAddWithoutValidation(name, value))
                {
                    request.Content.Headers.Remove(name);
                    request.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }

            using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            return (response.IsSuccessStatusCode, code, code.ToString(CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or InvalidOperationException or ObjectDisposedException)
        {
            if (!call.Generation.IsCancellationRequested)
            {
                _logger.LogDebug(ex, "Webhook {Type} for call {CallId} failed", item.Type, call.Id);
            }

            return (false, null, ex is OperationCanceledException ? "timeout" : ex.Message);
        }
    }

    private void AddAuthentication(HttpRequestMessage request, byte[] payload)
    {
        var options = _options;
        if (!string.IsNullOrEmpty(options.WebhookSecret))
        {
            request.Headers.TryAddWithoutValidation("X-Vapi-Secret", options.WebhookSecret);
        }

        if (!string.IsNullOrEmpty(options.WebhookBearerToken))
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + options.WebhookBearerToken);
        }

        if (!string.IsNullOrEmpty(options.WebhookHmacSecret))
        {
            // Vapi's HMAC credential: prefix + hex(HMAC-SHA256(secret, "{timestamp}.{body}")) over the raw body bytes.
            var timestamp = _time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(options.WebhookHmacSecret));
            hmac.AppendData(Encoding.UTF8.GetBytes(timestamp + "."));
            hmac.AppendData(payload);
            var signature = options.WebhookHmacSignaturePrefix + Convert.ToHexStringLower(hmac.GetHashAndReset());
            request.Headers.TryAddWithoutValidation(options.WebhookHmacSignatureHeader, signature);
            request.Headers.TryAddWithoutValidation(options.WebhookHmacTimestampHeader, timestamp);
        }
    }

    private sealed record Target(Uri Url, IReadOnlyList<(string Name, string Value)> Headers, TimeSpan Timeout, RetryPlan Retry);

    /// <summary>Vapi's server.backoffPlan: fixed or exponential delays, up to maxRetries, never for excludedStatusCodes.</summary>
    private sealed record RetryPlan(int MaxRetries, TimeSpan BaseDelay, bool Exponential, HashSet<int> ExcludedStatusCodes)
    {
        public TimeSpan DelayBefore(int retry) => Exponential ? BaseDelay * Math.Pow(2, retry - 1) : BaseDelay;
    }

    /// <summary>assistant.server (saved or transient, after overrides), else the phone number's server; decided when
    /// the call is created. The URL may be left to the org level (<see cref="SimulatorOptions.WebhookUrl"/>).</summary>
    public static WebhookServer ServerFor(JsonObject assistant, JsonObject phoneNumber)
    {
        var server = assistant["server"] as JsonObject;
        if (server.GetString("url") is null)
        {
            server = phoneNumber["server"] as JsonObject;
        }

        // The legacy inline server.secret is gone from Vapi's spec (and refused on create); X-Vapi-Secret travels as a header.
        var headers = new List<(string, string)>();
        if (server?["headers"] is JsonObject custom)
        {
            headers.AddRange(custom.Select(h => (h.Key, h.Value?.ToString() ?? "")));
        }

        var seconds = server.GetNumber("timeoutSeconds") ?? 20; // real seconds, not scaled
        return new WebhookServer(server.GetString("url"), headers, TimeSpan.FromSeconds(seconds),
            server?["backoffPlan"]?.DeepClone() as JsonObject);
    }

    private Target? ResolveTarget(SimCall call)
    {
        var server = call.Server;
        var url = server.Url ?? _options.WebhookUrl;
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return null;
        }

        return new Target(uri, server.Headers, server.Timeout, RetryPlanFor(server.BackoffPlan));
    }

    private RetryPlan RetryPlanFor(JsonObject? backoff)
    {
        if (backoff is null)
        {
            return new RetryPlan(Math.Max(0, _options.WebhookRetries), TimeSpan.FromMilliseconds(Math.Max(0, _options.WebhookRetryDelayMs)), false, []);
        }

        var excluded = (backoff["excludedStatusCodes"] as JsonArray ?? [])
            .Where(c => c.IsNumber()).Select(c => (int)c!.AsNumber()).ToHashSet();
        return new RetryPlan(
            (int)Math.Clamp(backoff.GetNumber("maxRetries") ?? 0, 0, 10),
            TimeSpan.FromSeconds(Math.Clamp(backoff.GetNumber("baseDelaySeconds") ?? 1, 0, 10)),
            backoff.GetString("type") == "exponential",
            excluded);
    }

    /// <summary>Whether the assistant's <c>serverMessages</c> (Vapi's default list when it sets none) include the type.</summary>
    public static bool Wants(JsonObject assistant, string type) =>
        assistant["serverMessages"] is JsonArray list
            ? list.Any(m => m?.ToString() == type)
            : DefaultServerMessages.Contains(type);

    private void Record(SimCall call, string type, string? status, WebhookResult result, string detail, int attempts = 1, int? burst = null, int bytes = 0)
    {
        if (call.Generation.IsCancellationRequested)
        {
            return; // the call belongs to a reset (or stopped) simulator
        }

        _store.Count(result);
        lock (call.Gate)
        {
            call.Webhooks.Add(new WebhookRecord(type, status, _time.GetUtcNow(), detail, attempts, burst, bytes));
        }
    }

    public void Dispose() => _http.Dispose();
}
