using AutoLynx.Features.Auth;

namespace AutoLynx.Features.Webhooks;

/// <summary>
/// <c>/api/webhook-endpoints</c>: admins register receivers for outbound webhooks, read their delivery log and
/// redeliver a message. (The inbound Vapi webhook is <c>/api/webhooks/vapi</c>, in Features/Calls.) The audit names the
/// caller: <see cref="AllowlistGate"/> sets the request's <see cref="Actor"/> for every signed-in request.
/// </summary>
public static class OutboundWebhookEndpoints
{
    public static IEndpointRouteBuilder MapOutboundWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/webhook-endpoints").WithTags("Outbound webhooks").RequireAuthorization(AuthSetup.AdminPolicy);
        g.MapGet("/", (WebhookEndpointService s, CancellationToken ct) => s.ListAsync(ct)).WithSummary("Lists the endpoints (never their secrets).");
        g.MapPost("/", CreateAsync).WithSummary("Registers an endpoint; the answer carries its signing secret, shown this once.");
        g.MapGet("/{id:long}", async (long id, WebhookEndpointService s, CancellationToken ct)
            => await s.GetAsync(id, ct) is { } e ? Results.Ok(e) : NotFound(id));
        g.MapPatch("/{id:long}", UpdateAsync).WithSummary("Changes the URL, events, description or enabled; enabling again resumes deliveries.");
        g.MapDelete("/{id:long}", async (long id, WebhookEndpointService s, CancellationToken ct)
            => await s.DeleteAsync(id, ct) ? Results.NoContent() : NotFound(id));
        g.MapGet("/{id:long}/messages", async (long id, string? status, int? page, int? pageSize, WebhookEndpointService s, CancellationToken ct)
            => await s.MessagesAsync(id, status, page ?? 1, pageSize ?? 50, ct) is { } p ? Results.Ok(p) : NotFound(id))
            .WithSummary("The endpoint's messages, newest first: status, attempts, last response code and latency.");
        g.MapGet("/{id:long}/deliveries", async (long id, int? page, int? pageSize, WebhookEndpointService s, CancellationToken ct)
            => await s.DeliveriesAsync(id, page ?? 1, pageSize ?? 50, ct) is { } p ? Results.Ok(p) : NotFound(id))
            .WithSummary("Every delivery attempt to the endpoint, newest first.");
        g.MapPost("/{id:long}/messages/{messageId:long}/redeliver", RedeliverAsync).WithSummary("Sends a message again, with the same webhook-id.");
        return app;
    }

    private static async Task<IResult> CreateAsync(WebhookEndpointRequest? body, WebhookEndpointService s, CancellationToken ct)
    {
        var (created, errors) = await s.CreateAsync(body ?? new WebhookEndpointRequest(null, null, null, null), ct);
        return errors is not null ? TypedResults.ValidationProblem(errors, title: errors.Values.First()[0])
            : TypedResults.Created($"/api/webhook-endpoints/{created!.Id}", created);
    }

    private static async Task<IResult> UpdateAsync(long id, WebhookEndpointRequest? body, WebhookEndpointService s, CancellationToken ct)
    {
        var (endpoint, errors) = await s.UpdateAsync(id, body ?? new WebhookEndpointRequest(null, null, null, null), ct);
        if (errors is not null) return TypedResults.ValidationProblem(errors, title: errors.Values.First()[0]);
        return endpoint is null ? NotFound(id) : TypedResults.Ok(endpoint);
    }

    private static async Task<IResult> RedeliverAsync(long id, long messageId, WebhookEndpointService s, CancellationToken ct)
    {
        var (notFound, conflict, message) = await s.RedeliverAsync(id, messageId, ct);
        if (notFound) return TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"Endpoint {id} has no message {messageId}.");
        if (conflict is not null) return TypedResults.Problem(statusCode: 409, title: "Cannot redeliver", detail: conflict);
        return TypedResults.Accepted($"/api/webhook-endpoints/{id}/messages", message);
    }

    private static IResult NotFound(long id) => TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no webhook endpoint with id {id}.");
}
