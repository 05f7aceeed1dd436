using System.Net;
using AutoLynx.Vapi;

namespace AutoLynx.Features.Engine;

/// <summary>How the launcher reads a failed POST /call: pure, so each of Vapi's shapes is tested on its own.</summary>
public enum LaunchFailure
{
    /// <summary>The call may exist (timeout, 5xx, connection lost after sending): resolve by lookup, never POST blind.</summary>
    Ambiguous,
    /// <summary>"Over Concurrency Limit", in any of its shapes: the account, not the contact. Give back, lower the room.</summary>
    ConcurrencyLimit,
    /// <summary>429: Vapi refused before creating anything; hold every POST until Retry-After.</summary>
    RateLimited,
    /// <summary>401/403: the API key. Give back and pause the campaign.</summary>
    Auth,
    /// <summary>The campaign's assistant or phone line is gone. Give back and pause.</summary>
    MissingResource,
    /// <summary>The request was refused for this call (validation): fail it with Vapi's words.</summary>
    Rejected,
    /// <summary>The request never left (connection refused, name not resolved): certainly not created.</summary>
    NotSent,
    /// <summary>Vapi answered 2xx (the call exists) with a body we could not read: look it up, never give it back.</summary>
    CreatedUnreadable,
}

public static class LaunchRefusals
{
    public static LaunchFailure Classify(Exception ex) => ex switch
    {
        VapiApiException api when IsConcurrencyLimit(api) => LaunchFailure.ConcurrencyLimit,
        VapiApiException { StatusCode: HttpStatusCode.TooManyRequests } => LaunchFailure.RateLimited,
        VapiApiException { IsAuth: true } => LaunchFailure.Auth,
        VapiApiException api when IsMissingResource(api) => LaunchFailure.MissingResource,
        VapiApiException { IsTransient: true } => LaunchFailure.Ambiguous,
        VapiApiException { StatusCode: >= HttpStatusCode.OK and < HttpStatusCode.MultipleChoices } => LaunchFailure.CreatedUnreadable,
        VapiApiException => LaunchFailure.Rejected,
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => LaunchFailure.NotSent,
        _ => LaunchFailure.Ambiguous,
    };

    /// <summary>
    /// Vapi's refusal for the account's concurrency limit: a 400 with <c>["Over Concurrency Limit"]</c>, an
    /// <c>{"error": "Over Concurrency Limit"}</c> body (an unmerged docs draft), or a 429/403 saying the same.
    /// </summary>
    public static bool IsConcurrencyLimit(VapiApiException ex)
        => (int)ex.StatusCode is 400 or 403 or 409 or 429 or 503
           && ex.Messages.Append(ex.Error ?? "").Any(m => m.Contains("concurrency", StringComparison.OrdinalIgnoreCase)
                                                           && (m.Contains("limit", StringComparison.OrdinalIgnoreCase) || m.Contains("over", StringComparison.OrdinalIgnoreCase)));

    public static bool IsMissingResource(VapiApiException ex)
        => ex.StatusCode == HttpStatusCode.NotFound
           || (ex.IsValidation && ex.Messages.Any(m => m.Contains("assistant", StringComparison.OrdinalIgnoreCase) && m.Contains("exist", StringComparison.OrdinalIgnoreCase)
                                                    || m.Contains("phone", StringComparison.OrdinalIgnoreCase) && m.Contains("not found", StringComparison.OrdinalIgnoreCase)
                                                    || m.Contains("phoneNumber", StringComparison.OrdinalIgnoreCase) && m.Contains("exist", StringComparison.OrdinalIgnoreCase)));
}
