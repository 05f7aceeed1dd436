using System.Text;
using AutoLynx.Data;
using AutoLynx.Features.Engine;
using AutoLynx.Vapi.Webhooks;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Calls;

/// <summary>POST /api/webhooks/vapi: verify, store durably in the inbox, answer 200 fast. Processing is asynchronous.</summary>
public static class WebhookEndpoints
{
    public const int MaxBodyBytes = 8 * 1024 * 1024;

    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/webhooks/vapi", ReceiveAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, IOptionsMonitor<VapiOptions> options,
        WebhookIntake intake, TimeProvider time, EngineMetrics metrics, ILoggerFactory loggers, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var logger = loggers.CreateLogger("AutoLynx.Webhooks");
        if (http.Request.ContentLength is > MaxBodyBytes)
            return TypedResults.Problem(statusCode: 413, title: "Webhook body too large", detail: $"At most {MaxBodyBytes / 1024 / 1024} MB.");
        byte[] body;
        using (var ms = new MemoryStream())
        {
            await http.Request.Body.CopyToAsync(ms, ct);
            if (ms.Length > MaxBodyBytes)
                return TypedResults.Problem(statusCode: 413, title: "Webhook body too large", detail: $"At most {MaxBodyBytes / 1024 / 1024} MB.");
            body = ms.ToArray();
        }

        if (!Verify(http.Request, body, options.CurrentValue, time))
        {
            // A security event: who knocked, never what they sent.
            logger.LogWarning("Webhook rejected: verification failed (remote {Remote}, {Length} bytes)", http.Connection.RemoteIpAddress, body.Length);
            return TypedResults.Problem(statusCode: 401, title: "Unauthorized", detail: "The webhook's credentials are missing or wrong.");
        }

        var parsed = VapiWebhookParser.Parse(body);
        if (parsed.Error is WebhookParseError.NotJson or WebhookParseError.NoMessage)
            return TypedResults.Problem(statusCode: 400, title: "Not a Vapi server message",
                detail: "Expected a JSON body of the form {\"message\": {\"type\": …}}.");

        try
        {
            await intake.StoreAsync(new WebhookInboxItem
            {
                ReceivedAt = time.GetUtcNow().UtcDateTime,
                Body = Encoding.UTF8.GetString(body),
                MessageType = Truncate(parsed.Message?.Type, 100),
                ProviderCallId = Truncate(parsed.Message?.Call?.Id, 100),
            }, ct);
        }
        catch (WebhookNotStoredException ex)
        {
            // Not stored, so not acknowledged: a sender with retries tries again, and the reconciler recovers the rest.
            logger.LogWarning("Webhook not stored: {Error}", ex.InnerException?.Message ?? ex.Message);
            http.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(statusCode: 503, title: "Webhook not stored", detail: "AutoLynx could not store the webhook just now; try again.");
        }
        metrics.WebhookStore.Record(EngineMetrics.Ms(started));
        return TypedResults.Ok(new { });
    }

    /// <summary>Accepts whichever mechanism is configured: X-Vapi-Secret, Bearer (same secret), or HMAC-SHA256.</summary>
    public static bool Verify(HttpRequest request, byte[] body, VapiOptions o, TimeProvider time)
    {
        if (!string.IsNullOrEmpty(o.WebhookSecret))
        {
            if (WebhookVerifier.VerifySecret(request.Headers["X-Vapi-Secret"].FirstOrDefault(), o.WebhookSecret)) return true;
            if (WebhookVerifier.VerifyBearer(request.Headers.Authorization.FirstOrDefault(), o.WebhookSecret)) return true;
        }
        if (!string.IsNullOrEmpty(o.HmacSecret))
        {
            if (WebhookVerifier.VerifyHmac(body, request.Headers["x-signature"].FirstOrDefault(), request.Headers["x-timestamp"].FirstOrDefault(),
                    o.HmacSecret, time.GetUtcNow(), TimeSpan.FromMinutes(5))) return true;
        }
        return false;
    }

    private static string? Truncate(string? s, int max) => s is null ? null : s.Length <= max ? s : s[..max];
}
