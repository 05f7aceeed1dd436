using System.Net;
using System.Text.Json.Nodes;
using AutoLynx.Features.Campaigns;
using AutoLynx.Vapi;

namespace AutoLynx.Features.Assistants;

/// <summary>An assistant as the API and the pages show it. <see cref="Config"/> is Vapi assistant JSON with every secret redacted (<see cref="AssistantSecrets"/>).</summary>
public sealed record AssistantView(long Id, string ProviderAssistantId, string Name, string Source, bool Active,
    DateTime CreatedAt, DateTime UpdatedAt, JsonObject Config, long Version, DateTime? SyncedAt, string? CreatedBy,
    IReadOnlyList<string> UnusedServerMessages);

public sealed record CreateAssistantCommand(string? Name, JsonObject? Config, string? TemplateId);

/// <summary>PATCH: each field optional. <see cref="Config"/> is a top-level merge patch like Vapi's (a field replaces, null removes).</summary>
public sealed record UpdateAssistantCommand(string? Name, JsonObject? Config, bool? Active, long? ExpectedVersion);

public sealed record ImportResult(AssistantView Assistant, bool Created);

/// <summary>Our copy against Vapi's. <see cref="ExistsOnVapi"/> false when Vapi no longer has the assistant.</summary>
public sealed record DriftReport(AssistantView Assistant, bool ExistsOnVapi, IReadOnlyList<DriftField> Differences, string Message)
{
    public bool InSync => ExistsOnVapi && Differences.Count == 0;
}

public enum AssistantProblemKind { Invalid, NotFound, Conflict, InUse, VapiRejected, VapiAuth, VapiNotFound, VapiConflict, VapiRateLimited, VapiUnavailable }

/// <summary>An expected failure, in words for the user; endpoints turn it into ProblemDetails, pages into a snackbar.</summary>
public sealed record AssistantProblem(AssistantProblemKind Kind, string Title, string Detail)
{
    public IReadOnlyList<string>? VapiMessages { get; init; }
    public IDictionary<string, string[]>? Errors { get; init; }
    public IReadOnlyList<CampaignRef>? Campaigns { get; init; }
    public TimeSpan? RetryAfter { get; init; }

    public static AssistantProblem Invalid(string field, string message)
        => new(AssistantProblemKind.Invalid, "The assistant is not valid", message) { Errors = new Dictionary<string, string[]> { [field] = [message] } };

    public static AssistantProblem NotFound(long id)
        => new(AssistantProblemKind.NotFound, "Not found", $"There is no assistant with id {id}.");

    public static AssistantProblem Stale(string name)
        => new(AssistantProblemKind.Conflict, "Changed by someone else",
            $"Someone else changed \"{name}\" after you opened it. Reload to see their changes, then make yours again.");

    /// <summary>Vapi's answer in plain words, with Vapi's own message. <paramref name="notFound"/> says what a 404 means here.</summary>
    public static AssistantProblem FromVapi(VapiApiException ex, string notFound)
    {
        var code = (int)ex.StatusCode;
        var said = ex.VapiMessage;
        return ex.StatusCode switch
        {
            HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => new(AssistantProblemKind.VapiRejected,
                "Vapi rejected the assistant", $"Vapi said: {said}") { VapiMessages = ex.Messages },
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new(AssistantProblemKind.VapiAuth,
                "Vapi refused AutoLynx's API key", $"Vapi answered {code}: {said}. Check that Vapi:ApiKey is the private key of the right account.") { VapiMessages = ex.Messages },
            HttpStatusCode.NotFound => new(AssistantProblemKind.VapiNotFound, "Not found on Vapi", $"{notFound} (Vapi: {said})") { VapiMessages = ex.Messages },
            HttpStatusCode.Conflict => new(AssistantProblemKind.VapiConflict, "Vapi refused", $"Vapi said: {said}") { VapiMessages = ex.Messages },
            HttpStatusCode.TooManyRequests => new(AssistantProblemKind.VapiRateLimited, "Vapi is busy",
                $"Vapi is limiting requests right now ({said}). Try again in a moment.") { VapiMessages = ex.Messages, RetryAfter = ex.RetryAfter },
            _ when code >= 500 => new(AssistantProblemKind.VapiUnavailable, "Vapi is having trouble",
                $"Vapi answered {code}: {said}. Nothing was changed in AutoLynx; try again in a moment.") { VapiMessages = ex.Messages },
            _ => new(AssistantProblemKind.VapiRejected, "Vapi refused", $"Vapi answered {code}: {said}") { VapiMessages = ex.Messages },
        };
    }

    public static AssistantProblem Unreachable(Exception ex)
        => new(AssistantProblemKind.VapiUnavailable, "Vapi cannot be reached",
            ex is TaskCanceledException ? "Vapi did not answer in time. Nothing was changed in AutoLynx; try again in a moment."
                : $"Could not reach Vapi ({ex.Message}). Nothing was changed in AutoLynx; try again in a moment.");
}

/// <summary>A value, or the reason there is none.</summary>
public readonly record struct Outcome<T>(T? Value, AssistantProblem? Problem)
{
    public bool Ok => Problem is null;
    public static implicit operator Outcome<T>(T value) => new(value, null);
    public static implicit operator Outcome<T>(AssistantProblem problem) => new(default, problem);
}
