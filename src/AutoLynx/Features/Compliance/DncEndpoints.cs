using AutoLynx.Features.ApiDocs;
using AutoLynx.Features.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using AutoLynx.Features.Contacts;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Compliance;

public sealed record AddDncRequest(string? Number, string? Reason);

/// <summary>The multipart field of POST /api/dnc/import (for the API description; the handler reads the form itself).</summary>
public sealed record DncFileForm([property: System.ComponentModel.Description("A CSV file with a phone column (and optionally a reason).")] IFormFile File);

/// <summary>
/// The do-not-call list: anyone signed in may read it and add a number (honouring an opt-out must never wait for an
/// admin); removing a number and importing a file are for admins.
/// </summary>
public static class DncEndpoints
{
    public static IEndpointRouteBuilder MapDncEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/dnc").WithTags("Do not call").SignInRequired();
        g.MapGet("/", async (DncService dnc, string? search, int? page, int? pageSize, CancellationToken ct)
                => TypedResults.Ok(await dnc.ListAsync(search, page ?? 1, pageSize ?? 50, ct)))
            .WithSummary("The do-not-call list, paged; search matches the number or the reason");
        g.MapPost("/", AddAsync)
            .WithSummary("Adds a number to the do-not-call list (any spelling; stored as E.164)")
            .WithDescription("201 with the new entry, or 200 with the existing one when the number is already listed. Every campaign stops calling it at once.");
        g.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, DncService dnc, CancellationToken ct) => await dnc.RemoveAsync(id, ct)
            ? TypedResults.NoContent() : TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no do-not-call entry with id {id}."))
            .RequireAuthorization(AuthSetup.AdminPolicy).Problems(403, 404)
            .WithSummary("Removes a number from the do-not-call list (admins)");
        g.MapPost("/import", ImportAsync).DisableAntiforgery().RequireAuthorization(AuthSetup.AdminPolicy).AcceptsMultipart<DncFileForm>()
            .Problems(403, 413, 415)
            .WithSummary("Adds every number of a CSV file to the do-not-call list (admins)");
        return app;
    }

    private static async Task<Results<Created<DncView>, Ok<DncView>, ValidationProblem>> AddAsync(AddDncRequest? body, DncService dnc, System.Security.Claims.ClaimsPrincipal user, Actor actor, CancellationToken ct)
    {
        actor.Set(Viewer.From(user));
        if (string.IsNullOrWhiteSpace(body?.Number))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["number"] = ["Give the number to add, in any spelling."] });
        var (entry, created, error) = await dnc.AddAsync(body.Number, body.Reason, "manual", ct);
        if (error is not null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["number"] = [error] });
        return created ? TypedResults.Created($"/api/dnc/{entry!.Id}", entry) : TypedResults.Ok(entry!);
    }

    private static async Task<Results<Ok<DncImportReport>, ValidationProblem, ProblemHttpResult>> ImportAsync(HttpRequest request, DncService dnc, IOptions<ImportOptions> limits, System.Security.Claims.ClaimsPrincipal user, Actor actor, CancellationToken ct)
    {
        actor.Set(Viewer.From(user));
        var (form, problem) = await FormUploads.ReadAsync(request, limits.Value, ct);
        if (problem is not null) return problem;
        if (form!.Files.GetFile("file") is not { } file)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["Attach the list as a CSV file in the field \"file\"."] });
        await using var stream = file.OpenReadStream();
        try
        {
            return TypedResults.Ok(await dnc.ImportAsync(stream, ct));
        }
        catch (ImportRejectedException ex)
        {
            return TypedResults.Problem(statusCode: ex.StatusCode, title: "The file cannot be imported", detail: ex.Message,
                extensions: new Dictionary<string, object?> { ["code"] = Wire.ProblemCodes.ImportRejected });
        }
    }
}
