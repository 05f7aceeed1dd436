using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace AutoLynx.VapiSimulator;

/// <summary>Wires the simulator into a host; shared by the standalone program and <see cref="VapiSimulatorHost"/>.</summary>
public static class SimulatorServiceCollectionExtensions
{
    /// <summary>Registers the simulator's services. A <see cref="TimeProvider"/> registered earlier is used; otherwise the system clock.</summary>
    public static IServiceCollection AddVapiSimulator(this IServiceCollection services, SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new InvalidOperationException("Invalid Simulator settings: " + string.Join("; ", errors));
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton<SimulatorIdentity>();
        services.AddSingleton<AssistantStore>();
        services.AddSingleton<CallStore>();
        services.AddSingleton<FaultInjector>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<CallLifecycle>();
        services.AddSingleton<CallLauncher>();
        return services;
    }

    /// <summary>Maps Vapi's REST subset, the controlUrl and the /_sim inspection endpoints.</summary>
    public static IEndpointRouteBuilder MapVapiSimulator(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var store = services.GetRequiredService<CallStore>();
        services.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(store.CancelAll);

        var api = endpoints.MapGroup("").AddEndpointFilter<ApiKeyFilter>();
        api.MapCallEndpoints(endpoints);
        api.MapAssistantEndpoints();
        api.MapPhoneNumberEndpoints();
        endpoints.MapInspectionEndpoints();

        // NestJS's answer for a route it does not have.
        endpoints.MapFallback((HttpRequest request) =>
            SimJson.NotFound($"Cannot {request.Method} {request.Path}"));
        return endpoints;
    }
}
