using AutoLynx.Features.Auth;
using AutoLynx.Features.Contacts;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Compliance;

public sealed record AddDncRequest(string? Number, string? Reason);

/// <summary>
/// The do-not-call list: anyone signed in may read it and add a number (honouring an opt-out must never wait for an
/// admin); removing a number and importing a file are for admins.
/// </summary>
public static class DncEndpoints
{
    public static IEndpointRouteBuilder MapDncEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/dnc").WithTags("Do not call");
        g.MapGet("/", (DncService dnc, string? search, int? page, int? pageSize, CancellationToken ct) => dnc.ListAsync(search, page ?? 1, pageSize ?? 50, ct));
        g.MapPost("/", AddAsync);
        g.MapDelete("/{id:long}", async (long id, DncService dnc, CancellationToken ct) => await dnc.RemoveAsync(id, ct)
            ? Results.NoContent() : TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no do-not-call entry with id {id}."))
            .RequireAuthorization(AuthSetup.AdminPolicy);
        g.MapPost("/import", ImportAsync).DisableAntiforgery().RequireAuthorization(AuthSetup.AdminPolicy);
        return app;
    }

    private static async Task<IResult> AddAsync(AddDncRequest? body, DncService dnc, System.Security.Claims.ClaimsPrincipal user, Actor actor, CancellationToken ct)
    {
        actor.Set(Viewer.From(user));
        if (string.IsNullOrWhiteSpace(body?.Number))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["number"] = ["Give the number to add, in any spelling."] });
        var (entry, created, error) = await dnc.AddAsync(body.Number, body.Reason, "manual", ct);
        if (error is not null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["number"] = [error] });
        return created ? TypedResults.Created($"/api/dnc/{entry!.Id}", entry) : TypedResults.Ok(entry);
    }

    private static async Task<IResult> ImportAsync(HttpRequest request, DncService dnc, IOptions<ImportOptions> limits, System.Security.Claims.ClaimsPrincipal user, Actor actor, CancellationToken ct)
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
            return TypedResults.Problem(statusCode: ex.StatusCode, title: "The file cannot be imported", detail: ex.Message);
        }
    }
}
