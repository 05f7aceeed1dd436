using AutoLynx.Features.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace AutoLynx.Features.Compliance.Pages;

/// <summary>
/// The organisation's do-not-call list: search and add for everyone; remove (after a confirmation) and import for admins.
/// The page calls <see cref="DncService"/> directly, with the viewer as the audited actor; the rights are checked again
/// on each change (a role can change while the page is open).
/// </summary>
public sealed partial class DoNotCallPage
{
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private Viewer? _viewer;
    private MudTable<DncView>? _table;
    private string? _search;
    private string? _number;
    private string? _reason;
    private string? _addError;
    private int _total;
    private bool _busy;

    protected override async Task OnInitializedAsync() => _viewer = Viewer.From((await AuthState).User);

    private async Task<TableData<DncView>> LoadAsync(TableState state, CancellationToken ct)
    {
        await using var scope = Scopes.CreateAsyncScope();
        var page = await scope.ServiceProvider.GetRequiredService<DncService>().ListAsync(_search, state.Page + 1, state.PageSize, ct);
        if (_total != page.Total)
        {
            // The count sits outside the table: it is drawn again once the page of rows is in.
            _total = page.Total;
            _ = InvokeAsync(StateHasChanged);
        }
        return new TableData<DncView> { Items = page.Items, TotalItems = page.Total };
    }

    private Task ReloadAsync() => _table?.ReloadServerData() ?? Task.CompletedTask;

    private async Task OnSearchAsync(string? value)
    {
        _search = value;
        await ReloadAsync();
    }

    private async Task AddAsync()
    {
        if (_viewer is null) return;
        if (string.IsNullOrWhiteSpace(_number))
        {
            _addError = "Give the number to add, in any spelling.";
            return;
        }
        _busy = true;
        try
        {
            await using var scope = Scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<Actor>().Set(_viewer);
            var (entry, created, error) = await scope.ServiceProvider.GetRequiredService<DncService>().AddAsync(_number, _reason, "manual", CancellationToken.None);
            _addError = error;
            if (error is not null) return;
            Snackbar.Add(created ? $"{entry!.Number} is on the do-not-call list." : $"{entry!.Number} was already on the list.", created ? Severity.Success : Severity.Info);
            (_number, _reason) = (null, null);
            await ReloadAsync();
        }
        finally { _busy = false; }
    }

    private async Task RemoveAsync(DncView entry)
    {
        var sure = await Dialogs.ShowMessageBoxAsync("Remove from the do-not-call list?",
            $"{entry.Number} can be called again by any campaign that has it. Only do this if the person asked to be called, or it was added by mistake.",
            yesText: "Remove", cancelText: "Cancel");
        if (sure != true) return;
        await using var scope = Scopes.CreateAsyncScope();
        // The page's rights can be older than the person's role now.
        var now = await AdminNowAsync(scope.ServiceProvider, _viewer);
        if (now is null)
        {
            Snackbar.Add("Only an admin can remove a number from the do-not-call list.", Severity.Warning);
            return;
        }
        scope.ServiceProvider.GetRequiredService<Actor>().Set(now);
        var removed = await scope.ServiceProvider.GetRequiredService<DncService>().RemoveAsync(entry.Id, CancellationToken.None);
        Snackbar.Add(removed ? $"{entry.Number} was removed from the do-not-call list." : $"{entry.Number} was no longer on the list.", removed ? Severity.Success : Severity.Info);
        await ReloadAsync();
    }

    /// <summary>The viewer if the allowlist still has them as an admin now (a role can change while the page is open), else null.</summary>
    internal static async Task<Viewer?> AdminNowAsync(IServiceProvider services, Viewer? viewer)
    {
        if (viewer is null) return null;
        var entry = await services.GetRequiredService<AllowlistService>().ActiveAsync(viewer.Email, CancellationToken.None);
        return entry?.Role == AppRole.Admin ? viewer with { Role = AppRole.Admin } : null;
    }
}
