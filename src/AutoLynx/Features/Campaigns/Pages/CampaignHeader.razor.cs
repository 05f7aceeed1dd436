using AutoLynx.Features.Auth;
using AutoLynx.Features.Calls;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace AutoLynx.Features.Campaigns.Pages;

/// <summary>The campaign's title, state and commands: start, pause, resume, stop (optionally hanging up), edit, delete, duplicate.</summary>
public sealed partial class CampaignHeader
{
    [Parameter, EditorRequired] public CampaignSummary Summary { get; set; } = default!;
    [Parameter, EditorRequired] public Viewer Viewer { get; set; } = default!;
    /// <summary>Raised after a command changed the campaign: the page reloads.</summary>
    [Parameter] public EventCallback Changed { get; set; }
    /// <summary>More commands after the campaign's own (e.g. export), one line each on the page.</summary>
    [Parameter] public RenderFragment? ChildContent { get; set; }

    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;

    private bool _busy;
    /// <summary>The last message about the campaign's state: the next one replaces it, so they never pile up over the page.</summary>
    private Snackbar? _said;

    private void Say(string message, Severity severity)
    {
        if (_said is not null) Snackbar.Remove(_said);
        _said = Snackbar.Add(message, severity);
    }

    private bool Finished => Summary.Status is CampaignStatus.Completed or CampaignStatus.Stopped;

    private async Task StartAsync()
    {
        var status = await RunAsync(sp => sp.GetRequiredService<CampaignService>().StartAsync(Summary.Id, CancellationToken.None));
        if (status is null) return;
        // Start can end in PAUSED when Vapi no longer has the assistant; say so rather than "started".
        if (status.Value.Status == CampaignStatus.Paused) Say(status.Value.Reason ?? "The campaign was paused.", Severity.Warning);
        else Say("Campaign started — calls are being placed.", Severity.Success);
    }

    private async Task PauseAsync()
    {
        if (await RunAsync(sp => sp.GetRequiredService<CampaignService>().PauseAsync(Summary.Id, CancellationToken.None)) is not null)
            Say("Campaign paused: no new calls. Calls in progress finish and are still tracked.", Severity.Info);
    }

    private async Task ResumeAsync()
    {
        if (await RunAsync(sp => sp.GetRequiredService<CampaignService>().ResumeAsync(Summary.Id, CancellationToken.None)) is not null)
            Say("Campaign resumed — calls are being placed again.", Severity.Success);
    }

    private async Task StopAsync()
    {
        var choice = await StopCampaignDialog.AskAsync(Dialogs, Summary.Counters.Active);
        if (choice is not { } endLiveCalls) return;
        (int Asked, int Failed)? ended = null;
        var status = await RunAsync(async sp =>
        {
            var r = await sp.GetRequiredService<CampaignService>().StopAsync(Summary.Id, CancellationToken.None);
            if (r.Ok && endLiveCalls) ended = await sp.GetRequiredService<CallControl>().EndLiveCallsAsync(Summary.Id, CancellationToken.None);
            return r;
        });
        if (status is null) return;
        if (ended is { Failed: > 0 } e) Say($"Campaign stopped; {e.Failed} of {e.Asked} live calls could not be hung up and will finish on their own.", Severity.Warning);
        else if (ended is { Asked: > 0 } a) Say($"Campaign stopped; hanging up {a.Asked} live call{(a.Asked == 1 ? "" : "s")}.", Severity.Success);
        else Say("Campaign stopped.", Severity.Success);
    }

    private async Task EditAsync()
    {
        // The dialog saves by itself (it stays open with the reason when a change is refused).
        if (!await EditCampaignDialog.AskAsync(Dialogs, Summary, Viewer)) return;
        Say("Campaign saved.", Severity.Success);
        await Changed.InvokeAsync();
    }

    private async Task DeleteAsync()
    {
        var ok = await Dialogs.ShowMessageBoxAsync("Delete campaign?",
            $"\"{Summary.Name}\" and its {Summary.Counters.Total} contacts are deleted. It was never started, so no call is lost. This cannot be undone.",
            yesText: "Delete campaign", cancelText: "Cancel");
        if (ok != true) return;
        _busy = true;
        try
        {
            var r = await CampaignCommands.RunAsync(Scopes, Summary.Id, Viewer,
                sp => sp.GetRequiredService<CampaignService>().DeleteAsync(Summary.Id, CancellationToken.None));
            if (!r.Ok)
            {
                Say(r.Error ?? "The campaign could not be deleted.", Severity.Error);
                return;
            }
            Say($"Campaign \"{Summary.Name}\" deleted.", Severity.Success);
            Nav.NavigateTo("/campaigns");
        }
        finally { _busy = false; }
    }

    private Task DuplicateAsync() => DuplicateAsync(null);

    /// <summary>The page follows the new total through the campaign's live updates.</summary>
    private async Task AddContactsAsync() => await AddContactsDialog.ShowAsync(Dialogs, Summary, Viewer);

    /// <summary>From the stopped note: the re-run dialog opens with "not called" ticked.</summary>
    private Task RerunNotCalledAsync() => DuplicateAsync([ContactFilter.NotCalledValue]);

    private async Task DuplicateAsync(IReadOnlyCollection<string>? preselect)
    {
        var newId = await DuplicateCampaignDialog.ShowAsync(Dialogs, Summary, Viewer, preselect);
        if (newId is { } id) Nav.NavigateTo($"/campaigns/{id}");
    }

    /// <summary>Runs a command; on success reloads the page and answers the campaign's new state, else says why and answers null.</summary>
    private async Task<(CampaignStatus Status, string? Reason)?> RunAsync(Func<IServiceProvider, Task<CommandResult>> command)
    {
        _busy = true;
        try
        {
            CampaignSummary? after = null;
            var r = await CampaignCommands.RunAsync(Scopes, Summary.Id, Viewer, async sp =>
            {
                var result = await command(sp);
                if (result.Ok) after = await sp.GetRequiredService<CampaignQueries>().GetSummaryAsync(Summary.Id, CancellationToken.None);
                return result;
            });
            if (!r.Ok) Say(r.Error ?? "That did not work.", Severity.Error);
            await Changed.InvokeAsync();
            return r.Ok && after is not null ? (after.Status, after.StatusReason) : null;
        }
        finally { _busy = false; }
    }

    private static string Local(DateTime? utc) => utc is null ? "—" : utc.Value.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss");

    private static string NotCalled(int n) => n == 1 ? "1 contact was" : $"{n:N0} contacts were";

    private static string When(string what, DateTime? utc) => utc is null ? "" : $" · {what} {Local(utc)}";
}
