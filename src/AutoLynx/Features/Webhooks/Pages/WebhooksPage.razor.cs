using AutoLynx.Features.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace AutoLynx.Features.Webhooks.Pages;

/// <summary>
/// Admins' page for outbound webhooks: endpoints (the secret shown once, after adding), a banner for any endpoint the
/// worker switched off, and each endpoint's delivery log with a Redeliver button. Calls <see cref="WebhookEndpointService"/>
/// as the viewer; refreshes itself every few seconds while open.
/// </summary>
public sealed partial class WebhooksPage : IDisposable
{
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private Viewer? _viewer;
    private List<WebhookEndpointView> _endpoints = [];
    private WebhookEndpointView? _selected;
    private MudTable<WebhookMessageView>? _log;
    private string? _url;
    private IReadOnlyCollection<string> _events = [WebhookEvents.CallEnded];
    private string? _error;
    private string? _newSecret;
    private bool _busy;
    private Timer? _refresh;

    protected override async Task OnInitializedAsync()
    {
        _viewer = Viewer.From((await AuthState).User);
        await LoadAsync();
        _refresh = new Timer(_ => InvokeAsync(async () =>
        {
            await LoadAsync();
            if (_log is not null) await _log.ReloadServerData();
            StateHasChanged();
        }), null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
    }

    private async Task<T> WithServiceAsync<T>(Func<WebhookEndpointService, Task<T>> work)
    {
        await using var scope = Scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Actor>().Set(_viewer);
        return await work(scope.ServiceProvider.GetRequiredService<WebhookEndpointService>());
    }

    private async Task LoadAsync()
    {
        _endpoints = await WithServiceAsync(s => s.ListAsync(CancellationToken.None));
        if (_selected is not null) _selected = _endpoints.FirstOrDefault(e => e.Id == _selected.Id);
    }

    private async Task CreateAsync()
    {
        _busy = true;
        _error = null;
        try
        {
            var (created, errors) = await WithServiceAsync(s => s.CreateAsync(new WebhookEndpointRequest(_url, _events.ToList(), true, null), CancellationToken.None));
            if (errors is not null)
            {
                _error = string.Join(" ", errors.Values.SelectMany(v => v));
                return;
            }
            _newSecret = created!.Secret;
            _url = null;
            await LoadAsync();
        }
        finally { _busy = false; }
    }

    private async Task ToggleAsync(WebhookEndpointView e)
    {
        var (_, errors) = await WithServiceAsync(s => s.UpdateAsync(e.Id, new WebhookEndpointRequest(null, null, !e.Enabled, null), CancellationToken.None));
        if (errors is not null) Snackbar.Add(string.Join(" ", errors.Values.SelectMany(v => v)), Severity.Error);
        else Snackbar.Add(e.Enabled ? "Endpoint turned off." : "Endpoint turned on; waiting messages are sent now.", Severity.Success);
        await LoadAsync();
    }

    private async Task DeleteAsync(WebhookEndpointView e)
    {
        var ok = await Dialogs.ShowMessageBoxAsync("Delete endpoint?", $"{e.Url} and its delivery log are deleted; nothing more is sent to it.",
            yesText: "Delete", cancelText: "Cancel");
        if (ok != true) return;
        await WithServiceAsync(s => s.DeleteAsync(e.Id, CancellationToken.None));
        if (_selected?.Id == e.Id) _selected = null;
        await LoadAsync();
    }

    private async Task SelectAsync(WebhookEndpointView e)
    {
        _selected = e;
        StateHasChanged();
        if (_log is not null) await _log.ReloadServerData();
    }

    private async Task<TableData<WebhookMessageView>> LoadLogAsync(TableState state, CancellationToken ct)
    {
        if (_selected is null) return new TableData<WebhookMessageView> { Items = [], TotalItems = 0 };
        var id = _selected.Id;
        var page = await WithServiceAsync(s => s.MessagesAsync(id, null, state.Page + 1, state.PageSize, ct));
        return new TableData<WebhookMessageView> { Items = page?.Items ?? [], TotalItems = page?.Total ?? 0 };
    }

    private async Task RedeliverAsync(WebhookMessageView m)
    {
        var id = _selected!.Id;
        var (notFound, conflict, _) = await WithServiceAsync(s => s.RedeliverAsync(id, m.Id, CancellationToken.None));
        if (notFound) Snackbar.Add("That message is gone.", Severity.Warning);
        else if (conflict is not null) Snackbar.Add(conflict, Severity.Warning);
        else Snackbar.Add($"{m.EventType} will be sent again.", Severity.Success);
        if (_log is not null) await _log.ReloadServerData();
    }

    public void Dispose() => _refresh?.Dispose();
}
