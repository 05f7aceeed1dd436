using AutoLynx.Components.Shared;
using AutoLynx.Features.Auth;
using AutoLynx.Features.Calls;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace AutoLynx.Features.Campaigns.Pages;

/// <summary>
/// One contact's calls (newest first), each with its recording, transcript and timeline, shown as a side sheet: a
/// MudBlazor dialog, so focus moves into it, Escape closes it and focus goes back where it was. It follows the
/// campaign's live changes itself.
/// </summary>
public sealed partial class ContactDrawer : IDisposable
{
    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [Parameter, EditorRequired] public long CampaignId { get; set; }
    [Parameter, EditorRequired] public long ContactId { get; set; }
    [Parameter, EditorRequired] public Viewer Viewer { get; set; } = default!;
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private CampaignEventHub Hub { get; set; } = default!;

    private ContactView? _contact;
    private CampaignStatus _campaignStatus;
    private IReadOnlyList<CallView> _calls = [];
    private Dictionary<long, IReadOnlyList<CallEventView>> _timelines = [];
    private LiveRefresh? _live;
    /// <summary>The contact's number is on the do-not-call list.</summary>
    private bool _listed;

    protected override async Task OnInitializedAsync()
    {
        await LoadAsync();
        _live = new LiveRefresh(Hub, CampaignId, () => InvokeAsync(async () => { await LoadAsync(); StateHasChanged(); }));
    }

    private async Task LoadAsync()
    {
        await using var scope = Scopes.CreateAsyncScope();
        var q = scope.ServiceProvider.GetRequiredService<CampaignQueries>();
        // The rights are checked again here: the sheet can stay open longer than they last.
        if (!await q.VisibleAsync(CampaignId, Viewer, CancellationToken.None))
        {
            Dialog.Cancel();
            return;
        }
        _campaignStatus = await q.StatusAsync(CampaignId, CancellationToken.None) ?? CampaignStatus.Created;
        _contact = await q.ContactAsync(CampaignId, ContactId, CancellationToken.None);
        _calls = await q.CallsAsync(CampaignId, ContactId, CancellationToken.None) ?? [];
        _timelines = await q.CallEventsAsync(CampaignId, _calls.Select(c => c.Id).ToList(), CancellationToken.None);
        _listed = _contact is not null
            && (await scope.ServiceProvider.GetRequiredService<Compliance.DncService>().ListedAsync([_contact.Phone], CancellationToken.None)).Count > 0;
    }

    private async Task ReloadAsync()
    {
        await LoadAsync();
        StateHasChanged();
    }

    public void Dispose() => _live?.Dispose();

    /// <summary>Opens the sheet for a contact; focus returns to where it was when it closes.</summary>
    public static async Task ShowAsync(IDialogService dialogs, IJSRuntime js, long campaignId, long contactId, Viewer viewer)
    {
        await js.InvokeVoidAsync("autolynx.rememberFocus");
        var parameters = new DialogParameters<ContactDrawer>
        {
            { x => x.CampaignId, campaignId }, { x => x.ContactId, contactId }, { x => x.Viewer, viewer },
        };
        var dialog = await dialogs.ShowAsync<ContactDrawer>("Contact", parameters, new DialogOptions
        {
            Position = DialogPosition.CenterRight, MaxWidth = MaxWidth.Medium, FullWidth = true, CloseOnEscapeKey = true, CloseButton = true,
            BackdropClick = true,
        });
        await dialog.Result;
        await js.InvokeVoidAsync("autolynx.restoreFocus");
    }
}
