using AutoLynx.Features.ApiDocs;
using AutoLynx.Features.Auth;
using AutoLynx.Features.Campaigns;
using Microsoft.AspNetCore.Http.HttpResults;

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
        var g = app.MapGroup("/api/webhook-endpoints").WithTags("Outbound webhooks").RequireAuthorization(AuthSetup.AdminPolicy).SignInRequired(admin: true);
        g.MapGet("/", async (WebhookEndpointService s, CancellationToken ct) => TypedResults.Ok(await s.ListAsync(ct))).WithSummary("Lists the endpoints (never their secrets).");
        g.MapPost("/", CreateAsync).WithSummary("Registers an endpoint; the answer carries its signing secret, shown this once.")
            .WithDescription("url: http(s) only (loopback and private addresses refused unless Webhooks:AllowPrivateTargets); events: any of "
                + "campaign.started, campaign.paused, campaign.completed, campaign.stopped, call.ended, contact.dnc_added. Deliveries are signed per Standard Webhooks.");
        g.MapGet("/{id:long}", async Task<Results<Ok<WebhookEndpointView>, ProblemHttpResult>> (long id, WebhookEndpointService s, CancellationToken ct)
            => await s.GetAsync(id, ct) is { } e ? TypedResults.Ok(e) : NotFound(id)).Problems(404).WithSummary("One endpoint (never its secret).");
        g.MapPatch("/{id:long}", UpdateAsync).Problems(404).WithSummary("Changes the URL, events, description or enabled; enabling again resumes deliveries.");
        g.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, WebhookEndpointService s, CancellationToken ct)
            => await s.DeleteAsync(id, ct) ? TypedResults.NoContent() : NotFound(id)).Problems(404).WithSummary("Removes an endpoint and its delivery log.");
        g.MapGet("/{id:long}/messages", async Task<Results<Ok<Paged<WebhookMessageView>>, ProblemHttpResult>> (long id, string? status, int? page, int? pageSize, WebhookEndpointService s, CancellationToken ct)
            => await s.MessagesAsync(id, status, page ?? 1, pageSize ?? 50, ct) is { } p ? TypedResults.Ok(p) : NotFound(id))
            .Problems(404).WithSummary("The endpoint's messages, newest first: status, attempts, last response code and latency.");
        g.MapGet("/{id:long}/deliveries", async Task<Results<Ok<Paged<WebhookDeliveryView>>, ProblemHttpResult>> (long id, int? page, int? pageSize, WebhookEndpointService s, CancellationToken ct)
            => await s.DeliveriesAsync(id, page ?? 1, pageSize ?? 50, ct) is { } p ? TypedResults.Ok(p) : NotFound(id))
            .Problems(404).WithSummary("Every delivery attempt to the endpoint, newest first.");
        g.MapPost("/{id:long}/messages/{messageId:long}/redeliver", RedeliverAsync).Problems(404, 409).WithSummary("Sends a message again, with the same webhook-id.");
        return app;
    }

    private static async Task<Results<Created<CreatedWebhookEndpoint>, ValidationProblem>> CreateAsync(WebhookEndpointRequest? body, WebhookEndpointService s, CancellationToken ct)
    {
        var (created, errors) = await s.CreateAsync(body ?? new WebhookEndpointRequest(null, null, null, null), ct);
        return errors is not null ? TypedResults.ValidationProblem(errors, title: errors.Values.First()[0])
            : TypedResults.Created($"/api/webhook-endpoints/{created!.Id}", created);
    }

    private static async Task<Results<Ok<WebhookEndpointView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(long id, WebhookEndpointRequest? body, WebhookEndpointService s, CancellationToken ct)
    {
        var (endpoint, errors) = await s.UpdateAsync(id, body ?? new WebhookEndpointRequest(null, null, null, null), ct);
        if (errors is not null) return TypedResults.ValidationProblem(errors, title: errors.Values.First()[0]);
        return endpoint is null ? NotFound(id) : TypedResults.Ok(endpoint);
    }

    private static async Task<Results<Accepted<WebhookMessageView>, ProblemHttpResult>> RedeliverAsync(long id, long messageId, WebhookEndpointService s, CancellationToken ct)
    {
        var (notFound, conflict, message) = await s.RedeliverAsync(id, messageId, ct);
        if (notFound) return TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"Endpoint {id} has no message {messageId}.");
        if (conflict is not null) return TypedResults.Problem(statusCode: 409, title: "Cannot redeliver", detail: conflict);
        return TypedResults.Accepted($"/api/webhook-endpoints/{id}/messages", message);
    }

    private static ProblemHttpResult NotFound(long id) => TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no webhook endpoint with id {id}.");
}
