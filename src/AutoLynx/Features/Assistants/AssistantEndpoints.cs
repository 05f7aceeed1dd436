using Microsoft.AspNetCore.Http.HttpResults;
using AutoLynx.Data;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Assistants;

public sealed record AssistantView(long Id, string ProviderAssistantId, string Name, string Source, bool Active, DateTime CreatedAt, DateTime UpdatedAt);

public static class AssistantEndpoints
{
    public static IEndpointRouteBuilder MapAssistantEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/assistants").WithTags("Assistants");
        g.MapGet("/", ListAsync);
        g.MapGet("/{id:long}", GetAsync);
        return app;
    }

    private static async Task<Ok<List<AssistantView>>> ListAsync(AppDbContext db, bool? active, CancellationToken ct)
    {
        var q = db.Assistants.AsNoTracking();
        if (active is { } a) q = q.Where(x => x.Active == a);
        var rows = await q.OrderBy(x => x.Name).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(ToView).ToList());
    }

    private static async Task<Results<Ok<AssistantView>, ProblemHttpResult>> GetAsync(long id, AppDbContext db, CancellationToken ct)
    {
        var a = await db.Assistants.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        return a is null ? TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no assistant with id {id}.") : TypedResults.Ok(ToView(a));
    }

    public static AssistantView ToView(Assistant a) => new(a.Id, a.ProviderAssistantId, a.Name, a.Source.ToString().ToLowerInvariant(), a.Active, a.CreatedAt, a.UpdatedAt);
}
