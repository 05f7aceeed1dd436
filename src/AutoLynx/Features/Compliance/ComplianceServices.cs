namespace AutoLynx.Features.Compliance;

public static class ComplianceServices
{
    /// <summary>The policy's rules (claim guard, hours, do-not-call, preflight) and the <c>Compliance</c> settings.</summary>
    public static IServiceCollection AddCompliance(this IServiceCollection services)
    {
        services.AddScoped<ClaimGuard>();
        services.AddScoped<DncService>();
        services.AddScoped<Preflight>();
        services.AddSingleton<ContactHours>();
        services.AddSingleton<ComplianceDefaults>();
        services.AddOptions<ComplianceOptions>().BindConfiguration("Compliance").ValidateDataAnnotations().ValidateOnStart();
        return services;
    }
}
