using System.Net;
using AutoLynx.Vapi;

namespace AutoLynx.Features.Engine;

/// <summary>How the launcher reads a failed POST /call: pure, so each of Vapi's shapes is tested on its own.</summary>
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
