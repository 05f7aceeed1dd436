using System.Net;
using System.Text.Json;

namespace AutoLynx.Vapi;

/// <summary>
/// Any non-success answer from Vapi. Carries the HTTP status and Vapi's own message (its 400s carry an
/// array of messages; other errors a single string), so callers can show the user what Vapi said.
/// </summary>
public sealed class VapiApiException : Exception
{
    public VapiApiException(HttpStatusCode statusCode, IReadOnlyList<string> messages, string? error, string? rawBody, TimeSpan? retryAfter = null)
        : base(BuildMessage(statusCode, messages, error))
    {
        StatusCode = statusCode;
        Messages = messages;
        Error = error;
        RawBody = rawBody;
        RetryAfter = retryAfter;
    }

    public HttpStatusCode StatusCode { get; }
    /// <summary>Vapi's message(s), as sent.</summary>
    public IReadOnlyList<string> Messages { get; }
    /// <summary>Vapi's <c>error</c> field, e.g. "Bad Request".</summary>
    public string? Error { get; }
    public string? RawBody { get; }
    public TimeSpan? RetryAfter { get; }

    /// <summary>The message(s) joined, fit to show a user.</summary>
    public string VapiMessage => Messages.Count > 0 ? string.Join("; ", Messages) : (Error ?? StatusCode.ToString());

    public bool IsTransient => (int)StatusCode is 408 or 429 or >= 500;
    /// <summary>The request itself is wrong (validation): retrying the same thing cannot help.</summary>
    public bool IsValidation => (int)StatusCode is 400 or 422;
    public bool IsAuth => StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;

    private static string BuildMessage(HttpStatusCode status, IReadOnlyList<string> messages, string? error)
        => $"Vapi answered {(int)status} {error ?? status.ToString()}: {(messages.Count > 0 ? string.Join("; ", messages) : "(no message)")}";

    /// <summary>Parses Vapi's NestJS-style error body, tolerating other shapes.</summary>
    public static VapiApiException FromResponse(HttpStatusCode status, string? body, TimeSpan? retryAfter = null)
    {
        var messages = new List<string>();
        string? error = null;
        if (!string.IsNullOrWhiteSpace(body))
        {
            try
            {
                using var doc = JsonDocument.Parse(body);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                {
                    if (doc.RootElement.TryGetProperty("message", out var m))
                    {
                        if (m.ValueKind == JsonValueKind.String) messages.Add(m.GetString()!);
                        else if (m.ValueKind == JsonValueKind.Array)
                            messages.AddRange(m.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText()));
                    }
                    if (doc.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String)
                        error = e.GetString();
                }
            }
            catch (JsonException)
            {
                messages.Add(body.Length > 300 ? body[..300] : body);
            }
        }
        if (messages.Count == 0 && error is not null) messages.Add(error);
        return new VapiApiException(status, messages, error, body, retryAfter);
    }
}
