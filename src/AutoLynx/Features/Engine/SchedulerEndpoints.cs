using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using AutoLynx.Features.ApiDocs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AutoLynx.Features.Engine;

public sealed record SchedulerTickAnswer(bool Woken);

/// <summary>POST /api/scheduler/tick: an external cron can wake the dispatcher (shared secret in X-Scheduler-Secret).</summary>
public static class SchedulerEndpoints
{
    public static IEndpointRouteBuilder MapSchedulerEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/scheduler/tick", Results<Accepted<SchedulerTickAnswer>, ProblemHttpResult> (HttpRequest request, IOptionsMonitor<DialerOptions> options, DispatcherSignal signal, ILoggerFactory loggers) =>
        {
            var secret = options.CurrentValue.TickSecret;
            var presented = request.Headers["X-Scheduler-Secret"].FirstOrDefault();
            if (string.IsNullOrEmpty(secret) || presented is null
                || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(secret)))
            {
                loggers.CreateLogger("AutoLynx.Scheduler").LogWarning("Scheduler tick rejected: missing or wrong secret");
                return TypedResults.Problem(statusCode: 401, title: "Unauthorized",
                    detail: string.IsNullOrEmpty(secret) ? "The tick endpoint is disabled (Dialer:TickSecret is not set)." : "Missing or wrong X-Scheduler-Secret.");
            }
            signal.Wake();
            return TypedResults.Accepted((string?)null, new SchedulerTickAnswer(true));
        }).AllowAnonymous().DisableAntiforgery().WithTags("Scheduler")
            .Problems(401)
            .WithSummary("Wakes the dialer now, for an external cron (header X-Scheduler-Secret: Dialer:TickSecret)")
            .WithDescription("No user token: the shared secret is the credential. 401 when it is missing or wrong, or when Dialer:TickSecret is not set.");
        return app;
    }
}
