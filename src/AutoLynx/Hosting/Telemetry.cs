using System.Diagnostics;
using AutoLynx.Data;
using AutoLynx.Features.Engine;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AutoLynx.Hosting;

/// <summary>
/// OpenTelemetry traces and metrics (ASP.NET Core, HttpClient — the Vapi calls —, the database, the engine's meter and
/// its own spans), exported by OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and scraped by Prometheus at
/// <c>/metrics</c> (<see cref="MetricsEndpoint"/>). Logs are JSON on the console outside Development, with trace ids.
/// </summary>
public static class Telemetry
{
    /// <summary>The app's own spans: a webhook's apply and its live update (<see cref="Features.Calls.WebhookTrace"/>).</summary>
    public const string SourceName = "AutoLynx";
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Set when an OTLP collector should receive traces and metrics (the standard variable; configuration works too).</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>ASP.NET Core's "Request starting/finished" lines, with the query string.</summary>
    public const string RequestLinesCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var otlp = !string.IsNullOrWhiteSpace(config[OtlpEndpointKey]);
        var postgres = config.GetValue("Database:Provider", DatabaseProvider.Sqlite) == DatabaseProvider.Postgres;

        // Outside Development one JSON object per line, with the scopes (trace and span id among them) for log shippers.
        if (!builder.Environment.IsDevelopment())
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        // ASP.NET Core's own request lines carry the query string (a sign-in link's token, a searched phone number): kept
        // off whatever level is configured. The HTTP logging middleware logs method, path, status and duration instead
        // (category Microsoft.AspNetCore.HttpLogging, Information; off with the shipped Microsoft.AspNetCore=Warning).
        builder.Logging.AddFilter(RequestLinesCategory, LogLevel.Warning);
        builder.Services.AddHttpLogging(o =>
        {
            o.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
            o.CombineLogs = true;
        });
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName: config["OTEL_SERVICE_NAME"] ?? "autolynx", serviceInstanceId: Environment.MachineName))
            .WithTracing(t =>
            {
                t.AddSource(SourceName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsPlumbing(http.Request.Path))
                    .AddHttpClientInstrumentation();
                // Npgsql has its own ActivitySource (one span per command, with the SQL); SQLite is seen through EF Core.
                if (postgres) t.AddSource("Npgsql");
                else t.AddEntityFrameworkCoreInstrumentation();
                if (otlp) t.AddOtlpExporter();
            })
            .WithMetrics(m =>
            {
                m.AddMeter(EngineMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter("Npgsql")
                    .AddPrometheusExporter();
                if (otlp) m.AddOtlpExporter();
            });
        return builder;
    }

    /// <summary>Probes and scrapes are not worth a span each.</summary>
    private static bool IsPlumbing(PathString path)
        => path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments(MetricsEndpoint.Path)
           || path.StartsWithSegments("/_framework") || path.StartsWithSegments("/_content");
}
