namespace AutoLynx.Features.Analytics;

public static class AnalyticsSetup
{
    /// <summary>The rollup (and its background refresher) and the queries pages and endpoints share.</summary>
    public static IServiceCollection AddAnalytics(this IServiceCollection services)
    {
        services.AddSingleton<CallStatsRollup>();
        services.AddScoped<AnalyticsQueries>();
        services.AddSingleton<CallStatsRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<CallStatsRefresher>());
        return services;
    }
}
