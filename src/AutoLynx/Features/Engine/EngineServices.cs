using AutoLynx.Features.Calls;
using AutoLynx.Features.Compliance;

namespace AutoLynx.Features.Engine;

public static class EngineServices
{
    /// <summary>The engine's parts (state owners, effects, counts, lease, launcher, resolver).</summary>
    public static IServiceCollection AddEngine(this IServiceCollection services)
    {
        services.AddSingleton<DispatcherSignal>();
        services.AddSingleton<WebhookInboxSignal>();
        services.AddSingleton<ActiveCallCounts>();
        services.AddSingleton<ProviderLimits>();
        services.AddSingleton<EngineMetrics>();
        services.AddSingleton<SqliteWriteGate>();
        services.AddSingleton<CampaignCompletions>();
        services.AddSingleton<EngineEffects>();
        services.AddSingleton<LeaderWrites>();
        services.AddSingleton<LineQuietCheck>();
        services.AddSingleton<CallLauncher>();
        services.AddSingleton<LaunchResolver>();
        services.AddScoped<EngineTransitions>();
        services.AddScoped<CampaignDialer>();
        services.AddScoped<CampaignGuards>();
        services.AddSingleton<CallPacing>();
        services.AddCompliance();
        return services;
    }

    /// <summary>
    /// The background loops, after start-up. They stop in reverse order: the dispatcher (draining its POSTs) before the
    /// lease, so the last answers are still written under it.
    /// </summary>
    public static IServiceCollection AddEngineLoops(this IServiceCollection services)
    {
        services.AddSingleton<EngineLease>();
        services.AddHostedService(sp => sp.GetRequiredService<EngineLease>());
        services.AddSingleton<PgNotifications>();
        services.AddHostedService(sp => sp.GetRequiredService<PgNotifications>());
        services.AddSingleton<WebhookProcessor>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookProcessor>());
        services.AddSingleton<WebhookIntake>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookIntake>());
        services.AddHostedService<InboxBacklogSampler>();
        services.AddSingleton<StuckCallReconciler>();
        services.AddHostedService(sp => sp.GetRequiredService<StuckCallReconciler>());
        services.AddSingleton<CallDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<CallDispatcher>());
        services.AddOptions<RetentionOptions>().BindConfiguration("Retention").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DataRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<DataRetention>());
        // Shutdown waits for the POSTs under way (each bounded by Vapi:RequestTimeout) before the host gives up.
        services.AddOptions<HostOptions>().Configure<Microsoft.Extensions.Options.IOptions<VapiOptions>>((h, vapi) =>
        {
            var needed = vapi.Value.RequestTimeout + TimeSpan.FromSeconds(15);
            if (h.ShutdownTimeout < needed) h.ShutdownTimeout = needed;
        });
        return services;
    }
}
