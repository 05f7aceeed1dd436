using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace AutoLynx.VapiSimulator;

/// <summary>Vapi's private-key check, plus the 429 fault (which Vapi's edge answers before anything else).</summary>
internal sealed class ApiKeyFilter(SimulatorOptions options, FaultInjector faults, TimeProvider time) : IEndpointFilter
{
    public const string InvalidKeyMessage =
        "Invalid Key. Hot tip, you may be using the private key instead of the public key, or vice versa.";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (faults.ShouldRateLimit())
        {
            http.Response.Headers.RetryAfter = "1";
            return SimJson.Error(StatusCodes.Status429TooManyRequests, "Too Many Requests", "Rate limit exceeded");
        }

        if (faults.TakeScripted(http.Request.Method, http.Request.Path.Value ?? "/") is { } scripted)
        {
            if (scripted.RetryAfterSeconds is { } seconds)
            {
                http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return ScriptedAnswer(scripted);
        }

        // A slow day: the request waits before anything happens (POST /call creates its call only afterwards).
        if (faults.SlowResponseDelay() is { Ticks: > 0 } delay)
        {
            try
            {
                await Task.Delay(delay, time, http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return Results.Empty; // the client gave up
            }
        }

        return IsAuthorized(http.Request, options.ApiKey) ? await next(context) : Unauthorized();
    }

    public static bool IsAuthorized(HttpRequest request, string apiKey)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        if (!header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var sent = Encoding.UTF8.GetBytes(header[prefix.Length..].Trim());
        var expected = Encoding.UTF8.GetBytes(apiKey);
        return CryptographicOperations.FixedTimeEquals(sent, expected);
    }

    /// <summary>The body Vapi would send with that status: NestJS's shape, 400 with a message array.</summary>
    private static IResult ScriptedAnswer(ScriptedFault fault) => fault.Status switch
    {
        StatusCodes.Status401Unauthorized when fault.Message is null => Unauthorized(),
        StatusCodes.Status400BadRequest => SimJson.BadRequest([fault.Message ?? "scripted validation failure"]),
        _ => SimJson.Error(fault.Status, ReasonPhrases.GetReasonPhrase(fault.Status),
            JsonValue.Create(fault.Message ?? ReasonPhrases.GetReasonPhrase(fault.Status))!),
    };

    public static IResult Unauthorized() =>
        SimJson.Error(StatusCodes.Status401Unauthorized, "Unauthorized", JsonValue.Create(InvalidKeyMessage)!);
}
