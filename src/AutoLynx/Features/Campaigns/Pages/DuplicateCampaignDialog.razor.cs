using AutoLynx.Components.Shared;
using AutoLynx.Features.Assistants;
using AutoLynx.Features.Auth;
using AutoLynx.Features.PhoneLines;
using AutoLynx.Features.Calls;
using AutoLynx.Wire;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace AutoLynx.Features.Campaigns.Pages;

/// <summary>Duplicate or re-run: POST /api/campaigns/{id}/duplicate from the page, with the contact groups and their counts to choose from.</summary>
public sealed partial class DuplicateCampaignDialog
{
    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [Parameter, EditorRequired] public CampaignSummary Summary { get; set; } = default!;
    [Parameter, EditorRequired] public Viewer Viewer { get; set; } = default!;
    /// <summary>Groups ticked when the dialog opens (e.g. "not-called" from the stopped note).</summary>
    [Parameter] public IReadOnlyCollection<string>? Preselect { get; set; }
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private IReadOnlyDictionary<string, int>? _groups;
    private readonly HashSet<string> _chosen = [];
    private string? _name;
    private int _cap;
    private long _assistantId;
    private long _phoneLineId;
    private List<AssistantView> _assistants = [];
    private List<PhoneLineView> _lines = [];
    private string? _error;
    private bool _busy;

    private bool Rerun => Summary.Status is CampaignStatus.Completed or CampaignStatus.Stopped;
    private int Count => _chosen.Count == 0 ? Summary.Counters.Total : _chosen.Sum(k => _groups?.GetValueOrDefault(k) ?? 0);
    private string DefaultName => $"{Summary.Name} ({(_chosen.Count == 0 ? "copy" : "re-run")})";

    protected override async Task OnInitializedAsync()
    {
        _cap = Summary.Cap;
        _assistantId = Summary.AssistantId;
        _phoneLineId = Summary.PhoneLineId;
        await using var scope = Scopes.CreateAsyncScope();
        // Active ones to change to, and the source's own even if it is inactive now (kept, the copy is refused with the reason).
        _assistants = await scope.ServiceProvider.GetRequiredService<AssistantService>().ListAsync(active: true, null, CancellationToken.None);
        if (_assistants.All(a => a.Id != _assistantId)
            && await scope.ServiceProvider.GetRequiredService<AssistantService>().GetAsync(_assistantId, CancellationToken.None) is { } own)
            _assistants.Insert(0, own);
        var db = scope.ServiceProvider.GetRequiredService<AutoLynx.Data.AppDbContext>();
        var lineId = _phoneLineId;
        _lines = (await db.PhoneLines.AsNoTracking().Where(l => l.Active || l.Id == lineId).OrderBy(l => l.Name).ToListAsync())
            .Select(PhoneLineEndpoints.ToView).ToList();
        _groups = await scope.ServiceProvider.GetRequiredService<CampaignQueries>().RerunGroupsAsync(Summary.Id, CancellationToken.None);
        foreach (var key in Preselect ?? []) if (_groups.ContainsKey(key)) _chosen.Add(key);
    }

    private void Toggle(string key, bool on)
    {
        if (on) _chosen.Add(key);
        else _chosen.Remove(key);
        _error = null;
    }

    private async Task CreateAsync()
    {
        _busy = true;
        try
        {
            DuplicateCampaignResult? created = null;
            Dictionary<string, string[]>? errors = null;
            var r = await CampaignCommands.RunAsync(Scopes, Summary.Id, Viewer, async sp =>
            {
                (created, errors, var missing) = await sp.GetRequiredService<CampaignService>().DuplicateAsync(Summary.Id,
                    new DuplicateCampaignCommand([.. _chosen], string.IsNullOrWhiteSpace(_name) ? null : _name,
                        AssistantId: _assistantId, PhoneLineId: _phoneLineId, Cap: _cap), CancellationToken.None);
                return missing ? CommandResult.Missing($"There is no campaign with id {Summary.Id}.") : CommandResult.Done;
            });
            if (!r.Ok || errors is not null || created is null)
            {
                _error = errors is not null ? string.Join(" ", errors.Values.SelectMany(v => v)) : r.Error ?? "The campaign could not be copied.";
                return;
            }
            Snackbar.Add($"New campaign with {created.Contacts} contacts — check it, then press Start.", Severity.Success);
            Dialog.Close(DialogResult.Ok(created.CampaignId));
        }
        finally { _busy = false; }
    }

    private static string Words(string key) => key == ContactFilter.NotCalledValue ? "Not called"
        : WireNames.TryParse<CallOutcome>(key, out var o) ? StatusStyles.Outcome(o).Item1 : key;

    /// <summary>Not called first, then the outcomes one would re-run, then the rest.</summary>
    private static int Order(string key) => key == ContactFilter.NotCalledValue ? -1
        : WireNames.TryParse<CallOutcome>(key, out var o) ? o switch
        {
            CallOutcome.NoAnswer => 0, CallOutcome.Busy => 1, CallOutcome.Voicemail => 2, _ => 10 + (int)o,
        } : 99;

    /// <summary>The new campaign's id, or null when cancelled.</summary>
    public static async Task<long?> ShowAsync(IDialogService dialogs, CampaignSummary summary, Viewer viewer, IReadOnlyCollection<string>? preselect = null)
    {
        var parameters = new DialogParameters<DuplicateCampaignDialog> { { x => x.Summary, summary }, { x => x.Viewer, viewer }, { x => x.Preselect, preselect } };
        var dialog = await dialogs.ShowAsync<DuplicateCampaignDialog>("Duplicate campaign", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true });
        var result = await dialog.Result;
        return result is { Canceled: false, Data: long id } ? id : null;
    }
}
