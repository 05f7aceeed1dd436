using AutoLynx.Data;
using AutoLynx.Features.Analytics;
using AutoLynx.Features.ApiDocs;
using AutoLynx.Features.Assistants;
using AutoLynx.Features.Auth;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Campaigns;
using AutoLynx.Features.Contacts;
using AutoLynx.Features.Demo;
using AutoLynx.Features.Engine;
using AutoLynx.Features.PhoneLines;
using AutoLynx.Features.Webhooks;
using AutoLynx.Hosting;
using AutoLynx.Vapi;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace AutoLynx;

public static class AppServices
{
    /// <summary>Options, database, Vapi client, features and background services — bound once, validated at start.</summary>
    public static WebApplicationBuilder AddAutoLynx(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;

        // Decided once, first: demo mode changes what is set up below (and may refuse to start).
        var demo = DemoMode.Decide(config);
        services.AddSingleton(demo);
        // Demo mode gets a fresh webhook secret per run unless one is configured: the simulator signs with it.
        if (demo.On && string.IsNullOrWhiteSpace(config["Vapi:WebhookSecret"]))
            config["Vapi:WebhookSecret"] = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

        services.AddOptions<VapiOptions>().BindConfiguration("Vapi").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DialerOptions>().BindConfiguration("Dialer").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PhoneOptions>().BindConfiguration("Phone").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ImportOptions>().BindConfiguration("Import").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<MetricsOptions>().BindConfiguration("Metrics");
        builder.AddTelemetry();
        services.AddSingleton(TimeProvider.System);

        services.AddAppDatabase(config);
        // The key ring lives in the database, not in $HOME: sign-in cookies, antiforgery tokens and the outbound webhook
        // secrets (WebhookSigner) stay readable after a restart, a new container, and on every instance behind a balancer.
        services.AddDataProtection().SetApplicationName("AutoLynx").PersistKeysToDbContext<AppDbContext>();
        services.AddAutoLynxAuth(config, builder.Environment, demo.On);
        // Behind a TLS-terminating proxy, X-Forwarded-Proto makes cookies Secure; only from proxies listed in ForwardedHeaders:KnownProxies.
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto;
            foreach (var proxy in config.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() ?? [])
                if (System.Net.IPAddress.TryParse(proxy, out var ip)) o.KnownProxies.Add(ip);
        });

        services.AddAutoLynxSecurityHeaders();

        services.AddSingleton<VapiConnection>();
        services.AddVapiClient(sp =>
        {
            var c = sp.GetRequiredService<VapiConnection>();
            var timeout = sp.GetRequiredService<IOptionsMonitor<VapiOptions>>().CurrentValue.RequestTimeout;
            return new VapiClientOptions { BaseUrl = c.BaseUrl, ApiKey = c.ApiKey, Timeout = timeout };
        });

        // Features
        services.AddSingleton<PhoneNormalizer>();
        services.AddScoped<ContactImporter>();
        services.AddScoped<ImportMappingStore>();
        services.AddScoped<AssistantService>();
        services.AddScoped<CampaignService>();
        services.AddScoped<CampaignContactAdder>();
        services.AddScoped<CampaignQueries>();
        services.AddSingleton<CampaignCountCompactor>();
        services.AddHostedService(sp => sp.GetRequiredService<CampaignCountCompactor>());
        services.AddScoped<Features.Campaigns.Export.CampaignExport>();
        services.AddAnalytics();
        services.AddScoped<AutoLynx.Components.Shared.BrowserTimeZone>();
        services.AddScoped<PhoneLineSync>();
        services.AddOptions<PhoneLineHealthOptions>().BindConfiguration("PhoneLines:Health").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ProviderLineActivity>();
        services.AddScoped<PhoneLineHealthService>();
        services.AddSingleton<CampaignEventHub>();
        services.AddScoped<WebhookApplier>();
        services.AddSingleton<RunningCampaigns>();
        services.AddScoped<CallControl>();
        services.AddSingleton<VapiReachability>();
        services.AddSingleton<WebhookFreshness>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookFreshness>());
        services.AddEngine();

        // Start-up first (simulator, migrations, seed), then the background loops.
        services.AddSingleton<DemoEnvironment>();
        services.AddHostedService<StartupTasks>();
        services.AddEngineLoops();
        services.AddOutboundWebhooks();

        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            if (ctx.Exception is BadHttpRequestException bad)
            {
                ctx.ProblemDetails.Title = "The request could not be read";
                ctx.ProblemDetails.Detail = bad.Message;
            }
            // Every problem carries a stable code (a handler may have set a finer one).
            var extensions = ctx.ProblemDetails.Extensions;
            if (!extensions.ContainsKey("code"))
                extensions["code"] = Wire.ProblemCodes.ForStatus(ctx.ProblemDetails.Status ?? ctx.HttpContext.Response.StatusCode,
                    ctx.ProblemDetails is Microsoft.AspNetCore.Http.HttpValidationProblemDetails { Errors.Count: > 0 });
        });
        // A body that is not valid JSON is the client's mistake (400), also where the framework throws for it (Development).
        services.Configure<Microsoft.AspNetCore.Builder.ExceptionHandlerOptions>(o =>
            o.StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError);
        services.AddApiDocs();
        services.AddMudServices(c =>
        {
            // Bottom-right keeps messages clear of the page's action buttons.
            c.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight;
            c.SnackbarConfiguration.VisibleStateDuration = 4000;
            // The same message twice is shown once; a page's messages about one thing replace each other (campaign page).
            c.SnackbarConfiguration.PreventDuplicates = true;
        });
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddHttpContextAccessor(); // the layout reads the theme cookies while pre-rendering
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase;
            o.SerializerOptions.Converters.Add(new Wire.WireEnumConverter());
        });
        return builder;
    }
}
