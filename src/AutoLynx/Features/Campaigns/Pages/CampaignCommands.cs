using AutoLynx.Features.Auth;

namespace AutoLynx.Features.Campaigns.Pages;

/// <summary>
/// An operator's command from a page: in its own scope, checked again against the viewer's rights at the moment of
/// acting (the page's view can be older than them), and audited as the viewer.
/// </summary>
internal static class CampaignCommands
{
    public static async Task<CommandResult> RunAsync(IServiceScopeFactory scopes, long campaignId, Viewer viewer,
        Func<IServiceProvider, Task<CommandResult>> command)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        if (!await services.GetRequiredService<CampaignQueries>().VisibleAsync(campaignId, viewer, CancellationToken.None))
            return CommandResult.Missing($"There is no campaign with id {campaignId}.");
        services.GetRequiredService<Actor>().Set(viewer);
        return await command(services);
    }
}
