using AutoLynx.Data;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx;

/// <summary>Liveness and readiness, outside user sign-in.</summary>
public static class HealthEndpoints
{
    /// <summary>Ready when the database answers: for load balancers and orchestrators (no user auth).</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" })).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/readyz", async (IDbContextFactory<AppDbContext> dbs, CancellationToken ct) =>
        {
            try
            {
                await using var db = await dbs.CreateDbContextAsync(ct);
                var pending = (await db.Database.GetPendingMigrationsAsync(ct)).Count();
                return pending == 0
                    ? Results.Ok(new { status = "ready" })
                    : Results.Json(new { status = "migrating", pendingMigrations = pending }, statusCode: 503);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return Results.Json(new { status = "database unavailable" }, statusCode: 503);
            }
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
