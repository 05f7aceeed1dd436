using System.Text;
using AutoLynx.Data;
using AutoLynx.Features.Engine;
using AutoLynx.Vapi.Webhooks;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Calls;

/// <summary>
/// POST /api/webhooks/vapi: verify, store durably in the inbox, answer 200 fast. Processing is asynchronous.
/// Credentials in headers (X-Vapi-Secret, Bearer) are checked before a byte of the body is read; only an HMAC
/// signature needs the body, and then only a request carrying fresh signature headers has it read, up to
/// <see cref="VapiOptions.WebhookMaxBodyBytes"/> (16 MiB by default).
/// </summary>
public static class WebhookEndpoints
{
    private enum HeaderCheck { Verified, NeedsBody, Refused }

    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/webhooks/vapi", ReceiveAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, IOptionsMonitor<VapiOptions> options,
        WebhookIntake intake, WebhookFreshness freshness, TimeProvider time, EngineMetrics metrics, ILoggerFactory loggers, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var logger = loggers.CreateLogger("AutoLynx.Webhooks");
        var o = options.CurrentValue;
        var check = CheckHeaders(http.Request, o, time);
        if (check == HeaderCheck.Refused) return Unauthorized(http, logger, metrics, freshness, time);

        // Authenticated (or signed, to be checked against the body): now the body may be read, up to the cap. Kestrel
        // enforces the cap as it reads (413), so a body without Content-Length cannot go past it either.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = o.WebhookMaxBodyBytes;
        if (http.Request.ContentLength > o.WebhookMaxBodyBytes) return TooLarge(http, o, metrics);
        var body = await ReadBodyAsync(http.Request, o.WebhookMaxBodyBytes, ct);
        if (body is null) return TooLarge(http, o, metrics);

        if (check == HeaderCheck.NeedsBody && !VerifyHmac(http.Request, body, o, time)) return Unauthorized(http, logger, metrics, freshness, time);

        var parsed = VapiWebhookParser.Parse(body);
        if (parsed.Error is WebhookParseError.NotJson or WebhookParseError.NoMessage)
        {
            metrics.WebhookRejected.Add(1, Reason("not_vapi"));
            return TypedResults.Problem(statusCode: 400, title: "Not a Vapi server message",
                detail: "Expected a JSON body of the form {\"message\": {\"type\": …}}.");
        }

        // Vapi sends what the assistant's serverMessages ask for (its default list when unset): what AutoLynx does not apply
        // is acknowledged and dropped, so a chatty assistant costs a verification, not storage.
        if (parsed.Ok && !parsed.Actionable)
        {
            metrics.WebhookUnused.Add(1, new KeyValuePair<string, object?>("type", Truncate(parsed.Message!.Type, 40)));
            return TypedResults.Ok(new { });
        }

        try
        {
            await intake.StoreAsync(new WebhookInboxItem
            {
                ReceivedAt = time.GetUtcNow().UtcDateTime,
                Body = Encoding.UTF8.GetString(body),
                MessageType = Truncate(parsed.Message?.Type, 100),
                ProviderCallId = Truncate(parsed.Message?.Call?.Id, 100),
                TraceParent = WebhookTrace.Current(),
            }, ct);
        }
        catch (WebhookNotStoredException ex)
        {
            // Not stored, so not acknowledged: a sender with retries tries again, and the reconciler recovers the rest.
            logger.LogWarning("Webhook not stored: {Error}", ex.InnerException?.Message ?? ex.Message);
            metrics.WebhookRejected.Add(1, Reason("not_stored"));
            http.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(statusCode: 503, title: "Webhook not stored", detail: "AutoLynx could not store the webhook just now; try again.");
        }
        metrics.WebhookStore.Record(EngineMetrics.Ms(started));
        metrics.WebhookReceived.Add(1);
        freshness.Received(time.GetUtcNow().UtcDateTime);
        return TypedResults.Ok(new { });
    }

    /// <summary>
    /// Whichever mechanism is configured: X-Vapi-Secret or Bearer (the same secret) decide from the headers alone; an
    /// HMAC signature needs the body, so headers that could carry a valid one (both present, timestamp in the window)
    /// only earn the body a read.
    /// </summary>
    private static HeaderCheck CheckHeaders(HttpRequest request, VapiOptions o, TimeProvider time)
    {
        if (!string.IsNullOrEmpty(o.WebhookSecret))
        {
            if (WebhookVerifier.VerifySecret(request.Headers["X-Vapi-Secret"].FirstOrDefault(), o.WebhookSecret)) return HeaderCheck.Verified;
            if (WebhookVerifier.VerifyBearer(request.Headers.Authorization.FirstOrDefault(), o.WebhookSecret)) return HeaderCheck.Verified;
        }
        if (!string.IsNullOrEmpty(o.HmacSecret)
            && WebhookVerifier.HmacHeadersUsable(request.Headers["x-signature"].FirstOrDefault(), request.Headers["x-timestamp"].FirstOrDefault(),
                time.GetUtcNow(), HmacWindow))
            return HeaderCheck.NeedsBody;
        return HeaderCheck.Refused;
    }

    private static readonly TimeSpan HmacWindow = TimeSpan.FromMinutes(5);

    private static bool VerifyHmac(HttpRequest request, byte[] body, VapiOptions o, TimeProvider time)
        => WebhookVerifier.VerifyHmac(body, request.Headers["x-signature"].FirstOrDefault(), request.Headers["x-timestamp"].FirstOrDefault(),
            o.HmacSecret!, time.GetUtcNow(), HmacWindow);

    /// <summary>The body, or null past <paramref name="max"/> bytes (also where the server's own limit could not be set).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long max, CancellationToken ct)
    {
        using var ms = new MemoryStream(request.ContentLength is { } n ? (int)n : 16 * 1024);
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer, ct)) > 0)
            {
                if (ms.Length + read > max) return null;
                ms.Write(buffer, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
        return ms.ToArray();
    }

    /// <summary>401; the body is neither read nor drained.</summary>
    private static KeyValuePair<string, object?> Reason(string reason) => new("reason", reason);

    private static IResult Unauthorized(HttpContext http, ILogger logger, EngineMetrics metrics, WebhookFreshness freshness, TimeProvider time)
    {
        metrics.WebhookRejected.Add(1, Reason("verification"));
        freshness.Rejected(time.GetUtcNow().UtcDateTime);
        // A security event: who knocked, never what they sent.
        logger.LogWarning("Webhook rejected: verification failed (remote {Remote}, Content-Length {Length})",
            http.Connection.RemoteIpAddress, http.Request.ContentLength);
        RefuseBody(http);
        return TypedResults.Problem(statusCode: 401, title: "Unauthorized", detail: "The webhook's credentials are missing or wrong.");
    }

    private static IResult TooLarge(HttpContext http, VapiOptions o, EngineMetrics metrics)
    {
        metrics.WebhookRejected.Add(1, Reason("too_large"));
        RefuseBody(http);
        return TypedResults.Problem(statusCode: 413, title: "Webhook body too large",
            detail: $"A webhook body may be at most {o.WebhookMaxBodyBytes:N0} bytes (Vapi:WebhookMaxBodyBytes).");
    }

    /// <summary>
    /// After answering, Kestrel would drain an unread body (read and discard it, up to its 30 MB limit, for 5 s) to
    /// reuse the connection. A refused body is not worth that: with no body allowed the drain stops at once and the
    /// connection closes after the answer.
    /// </summary>
    private static void RefuseBody(HttpContext http)
    {
        http.Response.Headers.Connection = "close";
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = 0;
    }

    private static string? Truncate(string? s, int max) => s is null ? null : s.Length <= max ? s : s[..max];
}
