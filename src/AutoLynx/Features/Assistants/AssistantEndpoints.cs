using AutoLynx.Features.Auth;
using System.Text.Json.Nodes;
using Microsoft.Net.Http.Headers;
using Microsoft.AspNetCore.Http.HttpResults;
using AutoLynx.Features.ApiDocs;
using AutoLynx.Wire;

namespace AutoLynx.Features.Assistants;

public sealed record CreateAssistantRequest(string? Name, JsonNode? Config, string? TemplateId);
public sealed record ImportAssistantRequest(string? ProviderAssistantId);
/// <summary><see cref="Version"/> (or an If-Match header) makes the change conditional: a stale version answers 409.</summary>
public sealed record UpdateAssistantRequest(string? Name, JsonNode? Config, bool? Active, long? Version);

/// <summary>/api/assistants and /api/assistant-templates. Expected failures answer ProblemDetails with Vapi's own message.</summary>
public static class AssistantEndpoints
{
    public static IEndpointRouteBuilder MapAssistantEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/assistants").WithTags("Assistants").SignInRequired();
        // Vapi's failures: 422 it refused (its messages in vapiMessages), 502 it failed, 503 it rate-limited us (Retry-After).
        int[] vapi = [422, 502, 503];
        g.MapGet("/", ListAsync)
            .WithSummary("The Assistant Directory; active and search (name) filter it");
        g.MapPost("/", CreateAsync).RequireAuthorization(AuthSetup.AdminPolicy)
            .ProducesValidationProblem().Problems([403, 404, 409, .. vapi])
            .WithSummary("Creates an assistant on Vapi and in the directory (admins), from a config or a template")
            .WithDescription("config is a Vapi assistant (JSON object); templateId starts from one of /api/assistant-templates. The ETag header carries its version.");
        g.MapPost("/import", ImportAsync).RequireAuthorization(AuthSetup.AdminPolicy)
            .ProducesValidationProblem().Problems([403, 404, .. vapi])
            .WithSummary("Imports an assistant that exists on Vapi by its id (admins); 200 when it was already in the directory");
        g.MapGet("/{id:long}", GetAsync).Problems(404)
            .WithSummary("One assistant with its config; the ETag header carries its version");
        g.MapPatch("/{id:long}", UpdateAsync).RequireAuthorization(AuthSetup.AdminPolicy)
            .ProducesValidationProblem().Problems([403, 404, 409, .. vapi])
            .WithSummary("Changes an assistant's name, config (the Vapi fields sent) or active (admins)")
            .WithDescription("With version (or If-Match) the change is conditional: a stale version answers 409 version-conflict.");
        g.MapDelete("/{id:long}", DeleteAsync).RequireAuthorization(AuthSetup.AdminPolicy)
            .ProducesValidationProblem().Problems([403, 404, 409, .. vapi])
            .WithSummary("Removes an assistant from the directory (admins); alsoOnVapi=true deletes it on Vapi too")
            .WithDescription("409 while an unfinished campaign uses it (those campaigns are in the problem's campaigns).");
        g.MapGet("/{id:long}/drift", DriftAsync).Problems([404, .. vapi])
            .WithSummary("Compares the directory's config with the assistant on Vapi");
        g.MapPost("/{id:long}/refresh", RefreshAsync).RequireAuthorization(AuthSetup.AdminPolicy)
            .ProducesValidationProblem().Problems([403, 404, 409, .. vapi])
            .WithSummary("Takes Vapi's version of the assistant into the directory (admins)");
        g.MapPost("/{id:long}/push", PushAsync).RequireAuthorization(AuthSetup.AdminPolicy)
            .ProducesValidationProblem().Problems([403, 404, 409, .. vapi])
            .WithSummary("Writes the directory's version of the assistant to Vapi (admins)");

        var t = app.MapGroup("/api/assistant-templates").WithTags("Assistants").SignInRequired();
        t.MapGet("/", () => TypedResults.Ok(AssistantTemplates.All))
            .WithSummary("Starting points for a new assistant (survey, appointment setting…)");
        t.MapGet("/{id}", Results<Ok<AssistantTemplate>, ProblemHttpResult> (string id) => AssistantTemplates.Find(id) is { } found
            ? TypedResults.Ok(found)
            : TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no template \"{id}\"."))
            .Problems(404)
            .WithSummary("One template");
        return app;
    }

    private static async Task<Ok<List<AssistantView>>> ListAsync(AssistantService service, bool? active, string? search, CancellationToken ct)
        => TypedResults.Ok(await service.ListAsync(active, search, ct));

    private static async Task<Results<Ok<AssistantView>, ProblemHttpResult>> GetAsync(long id, AssistantService service, HttpResponse response, CancellationToken ct)
    {
        var a = await service.GetAsync(id, ct);
        if (a is null) return ToProblem(AssistantProblem.NotFound(id), response);
        SetETag(response, a.Version);
        return TypedResults.Ok(a);
    }

    private static async Task<Results<Created<AssistantView>, ProblemHttpResult>> CreateAsync(CreateAssistantRequest body, AssistantService service, HttpResponse response, Actor actor, CancellationToken ct)
    {
        if (body.Config is not null and not JsonObject) return Invalid("config", "config must be a JSON object (a Vapi assistant).");
        var r = await service.CreateAsync(new CreateAssistantCommand(body.Name, body.Config as JsonObject, body.TemplateId), actor.Name, ct);
        if (!r.Ok) return ToProblem(r.Problem!, response);
        SetETag(response, r.Value!.Version);
        return TypedResults.Created($"/api/assistants/{r.Value.Id}", r.Value);
    }

    private static async Task<Results<Ok<AssistantView>, Created<AssistantView>, ProblemHttpResult>> ImportAsync(ImportAssistantRequest body, AssistantService service, HttpResponse response, Actor actor, CancellationToken ct)
    {
        var r = await service.ImportAsync(body.ProviderAssistantId, actor.Name, ct);
        if (!r.Ok) return ToProblem(r.Problem!, response);
        var a = r.Value!.Assistant;
        SetETag(response, a.Version);
        return r.Value.Created ? TypedResults.Created($"/api/assistants/{a.Id}", a) : TypedResults.Ok(a);
    }

    private static async Task<Results<Ok<AssistantView>, ProblemHttpResult>> UpdateAsync(long id, UpdateAssistantRequest body, HttpRequest request, AssistantService service, Actor actor, CancellationToken ct)
    {
        if (body.Config is not null and not JsonObject) return Invalid("config", "config must be a JSON object (the Vapi fields to change).");
        if (!TryExpectedVersion(request, body.Version, out var expected, out var bad)) return bad!;
        var r = await service.UpdateAsync(id, new UpdateAssistantCommand(body.Name, body.Config as JsonObject, body.Active, expected), actor.Name, ct);
        if (!r.Ok) return ToProblem(r.Problem!, request.HttpContext.Response);
        SetETag(request.HttpContext.Response, r.Value!.Version);
        return TypedResults.Ok(r.Value);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(long id, bool? alsoOnVapi, long? version, HttpRequest request, AssistantService service, Actor actor, CancellationToken ct)
    {
        if (!TryExpectedVersion(request, version, out var expected, out var bad)) return bad!;
        var r = await service.DeleteAsync(id, alsoOnVapi ?? false, expected, actor.Name, ct);
        return r.Ok ? TypedResults.NoContent() : ToProblem(r.Problem!, request.HttpContext.Response);
    }

    private static async Task<Results<Ok<DriftReport>, ProblemHttpResult>> DriftAsync(long id, AssistantService service, HttpResponse response, CancellationToken ct)
    {
        var r = await service.CompareAsync(id, ct);
        return r.Ok ? TypedResults.Ok(r.Value) : ToProblem(r.Problem!, response);
    }

    private static async Task<Results<Ok<DriftReport>, ProblemHttpResult>> RefreshAsync(long id, long? version, HttpRequest request, AssistantService service, Actor actor, CancellationToken ct)
    {
        if (!TryExpectedVersion(request, version, out var expected, out var bad)) return bad!;
        var r = await service.RefreshAsync(id, expected, actor.Name, ct);
        return r.Ok ? TypedResults.Ok(r.Value) : ToProblem(r.Problem!, request.HttpContext.Response);
    }

    private static async Task<Results<Ok<AssistantView>, ProblemHttpResult>> PushAsync(long id, long? version, HttpRequest request, AssistantService service, Actor actor, CancellationToken ct)
    {
        if (!TryExpectedVersion(request, version, out var expected, out var bad)) return bad!;
        var r = await service.PushAsync(id, expected, actor.Name, ct);
        return r.Ok ? TypedResults.Ok(r.Value) : ToProblem(r.Problem!, request.HttpContext.Response);
    }

    /// <summary>The version the client last saw: If-Match ("3", W/"3" or 3) or the version field; both must agree.</summary>
    private static bool TryExpectedVersion(HttpRequest request, long? fromBody, out long? expected, out ProblemHttpResult? problem)
    {
        expected = fromBody;
        problem = null;
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*") return true;
        var raw = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
        if (!long.TryParse(raw.Trim('"'), out var v))
        {
            problem = Invalid("If-Match", "If-Match must carry the assistant's version as its ETag, e.g. \"3\".");
            return false;
        }
        if (fromBody is { } b && b != v)
        {
            problem = Invalid("version", $"The version field ({b}) and If-Match ({v}) disagree.");
            return false;
        }
        expected = v;
        return true;
    }

    private static void SetETag(HttpResponse response, long version) => response.Headers[HeaderNames.ETag] = $"\"{version}\"";

    private static ProblemHttpResult Invalid(string field, string message)
        => ApiProblems.Invalid(new Dictionary<string, string[]> { [field] = [message] }, title: "The request is not valid");

    /// <summary>The problem for a failed assistant operation; when Vapi sent Retry-After, the answer carries it too, so API clients can back off the same way.</summary>
    public static ProblemHttpResult ToProblem(AssistantProblem p, HttpResponse response)
    {
        if (p.Kind == AssistantProblemKind.Invalid && p.Errors is not null)
            return ApiProblems.Invalid(p.Errors, detail: p.Detail, title: p.Title);
        var status = p.Kind switch
        {
            AssistantProblemKind.Invalid => 400,
            AssistantProblemKind.NotFound or AssistantProblemKind.VapiNotFound => 404,
            AssistantProblemKind.Conflict or AssistantProblemKind.InUse or AssistantProblemKind.VapiConflict => 409,
            AssistantProblemKind.VapiRejected => 422,
            AssistantProblemKind.VapiRateLimited => 503,
            _ => 502,
        };
        var extensions = new Dictionary<string, object?>();
        if (p.Kind == AssistantProblemKind.Conflict) extensions["code"] = Wire.ProblemCodes.VersionConflict;
        if (p.VapiMessages is { Count: > 0 } m) extensions["vapiMessages"] = m;
        if (p.Campaigns is { Count: > 0 } c) extensions["campaigns"] = c;
        if (p.RetryAfter is { } ra && ra > TimeSpan.Zero)
            response.Headers.RetryAfter = ((int)Math.Ceiling(ra.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(detail: p.Detail, statusCode: status, title: p.Title, extensions: extensions);
    }
}
