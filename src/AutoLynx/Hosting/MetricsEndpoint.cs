using System.Security.Cryptography;
using System.Text;
using AutoLynx.Features.Auth;
using Microsoft.Extensions.Options;

namespace AutoLynx.Hosting;

/// <summary>Section "Metrics".</summary>
public sealed class MetricsOptions
{
    /// <summary>A Prometheus server sends it as <c>Authorization: Bearer …</c> to scrape <c>/metrics</c>; empty: admins only.</summary>
    public string? ScrapeToken { get; set; }
}

/// <summary>
/// <c>GET /metrics</c>: OpenTelemetry's Prometheus exporter, for a signed-in admin (cookie or an admin's API token) or
/// a scraper with <see cref="MetricsOptions.ScrapeToken"/>. Anyone else gets 401 (no credentials) or 403 (not an admin).
/// </summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static IEndpointRouteBuilder MapMetricsEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: b => b.Use(GuardAsync), optionsName: null)
            .AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task GuardAsync(HttpContext http, RequestDelegate next)
    {
        var token = http.RequestServices.GetRequiredService<IOptionsMonitor<MetricsOptions>>().CurrentValue.ScrapeToken;
        if (!string.IsNullOrEmpty(token) && AuthSetup.TryGetBearer(http.Request, out var sent)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), Encoding.UTF8.GetBytes(token)))
        {
            await next(http);
            return;
        }
        if (http.User.Identity?.IsAuthenticated != true)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await Results.Problem(statusCode: 401, title: "Sign-in required",
                detail: "Metrics are for admins: sign in as an admin, or send the scrape token (Metrics:ScrapeToken) as 'Authorization: Bearer <token>'.")
                .ExecuteAsync(http);
            return;
        }
        if (!http.User.IsInRole(nameof(AppRole.Admin)))
        {
            await Results.Problem(statusCode: 403, title: "Forbidden", detail: "Metrics are for admins.").ExecuteAsync(http);
            return;
        }
        await next(http);
    }
}
