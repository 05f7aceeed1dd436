using AutoLynx;
using AutoLynx.Components;
using AutoLynx.Components.Pages;
using AutoLynx.Features.Analytics;
using AutoLynx.Features.ApiDocs;
using AutoLynx.Features.Assistants;
using AutoLynx.Features.Auth;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Engine;
using AutoLynx.Features.Campaigns;
using AutoLynx.Features.Compliance;
using AutoLynx.Features.Campaigns.Export;
using AutoLynx.Features.PhoneLines;
using AutoLynx.Features.Webhooks;
using AutoLynx.Hosting;

// `AutoLynx probe [url]`: the container's health check; one GET, no web host.
if (HealthProbe.IsProbe(args)) return await HealthProbe.RunAsync(args, Console.Out, Console.Error);

try
{
    var builder = WebApplication.CreateBuilder(args);
    // `--admin you@company.com` allowlists the first admin and prints a one-time sign-in link.
    builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--admin"] = "Auth:BootstrapAdminEmail" });
    // Under systemd (Type=notify): tells it when start-up is done and when stopping; a no-op anywhere else.
    builder.Host.UseSystemd();
    builder.AddAutoLynx();

    var app = builder.Build();

    app.UseAutoLynxSecurityHeaders();
    app.UseHttpLogging(); // method, path, status, duration: never the query string (Telemetry)
    app.UseExceptionHandler();
    // A status without a body: ProblemDetails under /api; everywhere else the app's own page, in its layout, with a way back.
    app.UseWhen(ctx => AuthSetup.IsApi(ctx.Request), api => api.UseStatusCodePages());
    app.UseWhen(ctx => !AuthSetup.IsApi(ctx.Request), pages => pages.UseStatusCodePagesWithReExecute(NotFound.Path, createScopeForStatusCodePages: true));
    app.UseRouting(); // after the status-code pages: a re-executed request is routed again (to the Not found page)
    app.UseForwardedHeaders();
    if (!app.Environment.IsDevelopment()) app.UseHsts();
    app.UseAutoLynxAuth();
    app.UseAntiforgery();

    app.MapStaticAssets().AllowAnonymous();
    app.MapApiDocs();
    app.MapHealthEndpoints();
    app.MapMetricsEndpoint();
    app.MapAuthEndpoints();
    app.MapCampaignEndpoints();
    app.MapCampaignExportEndpoints();
    app.MapAssistantEndpoints();
    app.MapPhoneLineEndpoints();
    app.MapAnalyticsEndpoints();
    app.MapWebhookEndpoints();
    app.MapSchedulerEndpoints();
    app.MapDncEndpoints();
    app.MapOutboundWebhookEndpoints();
    app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

    app.Run();
    return 0;
}
catch (StartRefusedException ex)
{
    // Settings that would put data at risk, or that contradict each other: say why and what to set, without a stack trace.
    Console.Error.WriteLine($"AutoLynx did not start: {ex.Message}");
    return 1;
}

/// <summary>Visible to the test host.</summary>
public partial class Program;
