using System.Security.Claims;
using AutoLynx.Features.ApiDocs;
using AutoLynx.Features.Auth;
using AutoLynx.Features.Campaigns;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AutoLynx.Features.Analytics;

public static class AnalyticsEndpoints
{
    /// <summary>The overview covers the last 30 days unless <c>from</c> says otherwise.</summary>
    public static readonly TimeSpan DefaultRange = TimeSpan.FromDays(30);

    public static IEndpointRouteBuilder MapAnalyticsEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/analytics").WithTags("Analytics").SignInRequired();
        g.MapGet("/overview", OverviewAsync)
            .WithSummary("Figures over a range (default: the last 30 days) of the campaigns the caller may see");
        g.MapGet("/campaigns/{id:long}", CampaignAsync).AddEndpointFilter(CampaignEndpoints.OwnCampaignsOnly)
            .Problems(404)
            .WithSummary("Figures of one campaign (default: all its calls)");
        return app;
    }

    private static async Task<Results<Ok<AnalyticsReport>, ValidationProblem>> OverviewAsync(ClaimsPrincipal user, AnalyticsQueries q, TimeProvider time, DateTimeOffset? from, DateTimeOffset? to,
        long? campaignId, long? assistantId, long? phoneLineId, CancellationToken ct)
    {
        var end = to?.UtcDateTime ?? time.GetUtcNow().UtcDateTime;
        var start = from?.UtcDateTime ?? end - DefaultRange;
        if (Invalid(start, end) is { } problem) return problem;
        var report = await q.ReportAsync(new AnalyticsFilter(start, end, campaignId, assistantId, phoneLineId), Viewer.Require(user).OwnerFilter, ct);
        return TypedResults.Ok(report);
    }

    private static async Task<Results<Ok<AnalyticsReport>, ValidationProblem>> CampaignAsync(long id, AnalyticsQueries q, DateTimeOffset? from, DateTimeOffset? to, long? phoneLineId, CancellationToken ct)
    {
        var (start, end) = (from?.UtcDateTime, to?.UtcDateTime);
        if (start is not null && end is not null && Invalid(start.Value, end.Value) is { } problem) return problem;
        // The route filter already checked the caller may see this campaign.
        return TypedResults.Ok(await q.ReportAsync(new AnalyticsFilter(start, end, id, PhoneLineId: phoneLineId), null, ct));
    }

    private static ValidationProblem? Invalid(DateTime from, DateTime to) => from > to
        ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["from"] = ["from must not be after to."] }, title: "The range is not valid")
        : null;
}
