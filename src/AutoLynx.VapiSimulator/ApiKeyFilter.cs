using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace AutoLynx.VapiSimulator;

/// <summary>Vapi's private-key check, plus the 429 fault (which Vapi's edge answers before anything else).</summary>
internal sealed class ApiKeyFilter(SimulatorOptions options, FaultInjector faults) : IEndpointFilter
{
    public const string InvalidKeyMessage =
        "Invalid Key. Hot tip, you may be using the private key instead of the public key, or vice versa.";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (faults.ShouldRateLimit())
        {
            http.Response.Headers.RetryAfter = "1";
            return ValueTask.FromResult<object?>(
                SimJson.Error(StatusCodes.Status429TooManyRequests, "Too Many Requests", "Rate limit exceeded"));
        }

        return IsAuthorized(http.Request, options.ApiKey)
            ? next(context)
            : ValueTask.FromResult<object?>(Unauthorized());
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
