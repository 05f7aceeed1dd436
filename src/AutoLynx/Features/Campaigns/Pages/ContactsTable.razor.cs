using AutoLynx.Features.Contacts;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace AutoLynx.Features.Campaigns.Pages;

/// <summary>The contacts of the campaign, one page at a time from the server; reloads when the campaign changes.</summary>
public sealed partial class ContactsTable
{
    [Parameter, EditorRequired] public CampaignSummary Summary { get; set; } = default!;
    /// <summary>Moves when the campaign changed: the page of contacts is read again.</summary>
    [Parameter] public int Revision { get; set; }
    /// <summary>A contact was chosen (click, or Enter on its name): its id.</summary>
    [Parameter] public EventCallback<long> Open { get; set; }
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;

    private MudTable<ContactView>? _table;
    private string? _search;
    private ContactState? _stateFilter;
    private (long Id, int Revision)? _shown;
    /// <summary>The page shown last and what it was read with: the page after it is read by its cursor (a seek, however deep).</summary>
    private (int Page, int PageSize, string? Sort, SortDirection Direction, ContactState? State, string? Search, string? Next)? _last;

    protected override async Task OnParametersSetAsync()
    {
        var now = (Summary.Id, Revision);
        if (_shown is { } before && before != now && _table is not null)
        {
            _shown = now;
            await _table.ReloadServerData();
        }
        _shown = now;
    }

    private async Task<TableData<ContactView>> LoadAsync(TableState state, CancellationToken ct)
    {
        await using var scope = Scopes.CreateAsyncScope();
        var sort = state.SortLabel is { } label && ContactSorts.TryParse(label, out var parsed) ? parsed : ContactSort.Row;
        var after = _last is { Next: { } next } l && l.Page + 1 == state.Page && l.PageSize == state.PageSize && l.Sort == state.SortLabel
                    && l.Direction == state.SortDirection && l.State == _stateFilter && l.Search == _search
            ? ContactCursor.TryDecode(next) : null;
        var query = new ContactQuery(state.Page + 1, state.PageSize, _stateFilter, _search, sort, state.SortDirection == SortDirection.Descending, after);
        var page = await scope.ServiceProvider.GetRequiredService<CampaignQueries>().ContactsAsync(Summary.Id, query, ct);
        _last = (state.Page, state.PageSize, state.SortLabel, state.SortDirection, _stateFilter, _search, page?.NextCursor);
        return page is null ? new TableData<ContactView> { Items = [], TotalItems = 0 } : new TableData<ContactView> { Items = page.Items, TotalItems = page.Total };
    }

    /// <summary>When a waiting contact is tried again, in words ("in 2 h 10 min"); blank for the others.</summary>
    private string NextAttempt(ContactView c)
        => c.State == ContactState.Pending && c.NextAttemptAt is { } at ? Compliance.WaitingWords.In(at - Time.GetUtcNow().UtcDateTime) : "";

    private async Task OnSearch(string? v) { _search = v; if (_table is not null) await _table.ReloadServerData(); }
    private async Task OnState(ContactState? v) { _stateFilter = v; if (_table is not null) await _table.ReloadServerData(); }
}
