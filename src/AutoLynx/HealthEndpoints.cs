using AutoLynx.Data;
using AutoLynx.Features.Calls;
using AutoLynx.Hosting;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx;

/// <summary>Liveness and readiness, outside user sign-in.</summary>
public static class HealthEndpoints
{
    /// <summary>
    /// /readyz: 503 while the database does not answer or is not migrated (the instance cannot serve). Vapi unreachable or
    /// webhooks not arriving only make it <c>degraded</c> (still 200): every instance would see the same outside fault, and
    /// taking them all out of the load balancer would stop pages, the API and webhook intake too. Alert on the checks.
    /// </summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" })).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/readyz", async (IDbContextFactory<AppDbContext> dbs, VapiReachability vapi, WebhookFreshness webhooks, CancellationToken ct) =>
        {
            WebhookFreshnessReport freshness;
            try
            {
                await using var db = await dbs.CreateDbContextAsync(ct);
                var pending = (await db.Database.GetPendingMigrationsAsync(ct)).Count();
                if (pending > 0) return Results.Json(new { status = "migrating", pendingMigrations = pending }, statusCode: 503);
                freshness = await webhooks.CheckAsync(db, null, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return Results.Json(new { status = "database unavailable" }, statusCode: 503);
            }
            var probe = await vapi.CheckAsync(ct);
            var degraded = !probe.Ok || freshness.Stale;
            return Results.Ok(new
            {
                status = degraded ? "degraded" : "ready",
                checks = new
                {
                    database = new { status = "ok" },
                    vapi = new { status = probe.Status, detail = probe.Detail, checkedAt = probe.CheckedAt },
                    webhooks = new
                    {
                        status = freshness.Status, lastReceivedAt = freshness.LastReceivedAt, lastRejectedAt = freshness.LastRejectedAt,
                        callsWithoutWebhook = freshness.CallsWithoutWebhook, detail = freshness.Message,
                    },
                },
            });
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
