using AutoLynx.Features.Auth;
using AutoLynx.Features.Calls;
using AutoLynx.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace AutoLynx.Features.Campaigns.Pages;

/// <summary>
/// A campaign's page: it checks the viewer may see the campaign, loads its summary and re-reads everything when the
/// campaign changes (live). The panels are child components; they reload when <see cref="_revision"/> moves.
/// </summary>
public sealed partial class CampaignDetail : IDisposable
{
    [Parameter] public long Id { get; set; }
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private CampaignEventHub Hub { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private Microsoft.JSInterop.IJSRuntime JS { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private CampaignSummary? _summary;
    private bool _notFound;
    private Viewer? _viewer;
    private LiveRefresh? _live;
    /// <summary>Moves on every change of the campaign: the panels reload their own data when it does.</summary>
    private int _revision;

    /// <summary>
    /// The campaign this page has checked the viewer may see. Everything the page loads or does uses this id, never
    /// <see cref="Id"/> directly: when the route changes, Id changes before the check has finished.
    /// </summary>
    private long? _shownId;

    protected override async Task OnParametersSetAsync()
    {
        if (_shownId != Id)
        {
            (_shownId, _summary) = (null, null);
            _live?.Dispose();
            _live = null;
        }
        _viewer ??= Viewer.From((await AuthState).User);
        await LoadSummaryAsync();
        if (_shownId is { } id && _live is null) _live = new LiveRefresh(Hub, id, () => InvokeAsync(RefreshAllAsync));
    }

    private async Task RefreshAllAsync()
    {
        await LoadSummaryAsync();
        _revision++;
        StateHasChanged();
    }

    private async Task LoadSummaryAsync()
    {
        await using var scope = Scopes.CreateAsyncScope();
        var q = scope.ServiceProvider.GetRequiredService<CampaignQueries>();
        // Another operator's campaign looks exactly like a missing one.
        var id = Id;
        var visible = _viewer is not null && await q.VisibleAsync(id, _viewer, CancellationToken.None);
        if (id != Id) return; // the route moved on while we asked
        _summary = visible ? await q.GetSummaryAsync(id, CancellationToken.None) : null;
        _shownId = _summary is null ? null : id;
        _notFound = _summary is null;
    }

    /// <summary>A contact's calls, in a side sheet over the page, where the eye is.</summary>
    private Task OpenContactAsync(long contactId)
        => _summary is { } s && _viewer is { } v ? ContactDrawer.ShowAsync(Dialogs, JS, s.Id, contactId, v) : Task.CompletedTask;

    public void Dispose() => _live?.Dispose();
}
