using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

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

    public static IResult Unauthorized() =>
        SimJson.Error(StatusCodes.Status401Unauthorized, "Unauthorized", JsonValue.Create(InvalidKeyMessage)!);
}
