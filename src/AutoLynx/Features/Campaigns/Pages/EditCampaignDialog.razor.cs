using AutoLynx.Components.Shared;
using AutoLynx.Data;
using AutoLynx.Features.Auth;
using AutoLynx.Features.Compliance;
using AutoLynx.Features.Compliance.Pages;
using AutoLynx.Features.PhoneLines;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace AutoLynx.Features.Campaigns.Pages;

/// <summary>
/// Edits a campaign and saves it itself, so a refused change keeps the dialog open with the server's words beside the
/// field (policy.* in the policy editor). The policy is edited while the campaign can still call (not completed or
/// stopped); its scheduled start only before it has started.
/// </summary>
public sealed partial class EditCampaignDialog
{
    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [Parameter, EditorRequired] public CampaignSummary Summary { get; set; } = default!;
    [Parameter, EditorRequired] public Viewer Viewer { get; set; } = default!;
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private BrowserTimeZone BrowserZone { get; set; } = default!;
    [Inject] private ComplianceDefaults ComplianceDefaults { get; set; } = default!;

    private string _name = "";
    private int _cap;
    private PolicyForm? _policy;
    private Dictionary<string, string[]>? _policyErrors;
    private bool _policyOpen;
    private bool _demo;
    private List<PhoneLineView> _lines = [];
    private string? _error;
    private string? _field;
    private bool _saving;

    protected override async Task OnInitializedAsync()
    {
        (_name, _cap, _demo) = (Summary.Name, Summary.Cap, ComplianceDefaults.Demo);
        if (!Campaign.Unfinished.Contains(Summary.Status)) return;
        await using var scope = Scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        _lines = (await db.PhoneLines.AsNoTracking().OrderBy(l => l.Name).ToListAsync()).Select(PhoneLineEndpoints.ToView).ToList();
        _policy = PolicyForm.Of(Summary.Policy ?? CampaignPolicy.Default, await BrowserZone.GetAsync());
    }

    private async Task SaveAsync()
    {
        (_error, _field, _policyErrors, _saving) = (null, null, null, true);
        try
        {
            var policy = _policy?.ToJson(Summary.PhoneLineId);
            var (name, cap) = (_name.Trim(), _cap);
            var r = await CampaignCommands.RunAsync(Scopes, Summary.Id, Viewer,
                sp => sp.GetRequiredService<CampaignService>().UpdateAsync(Summary.Id, name, cap, CancellationToken.None, policy));
            if (r.Ok)
            {
                Dialog.Close(DialogResult.Ok(true));
                return;
            }
            if (r.Field?.StartsWith("policy", StringComparison.Ordinal) == true)
            {
                _policyErrors = new() { [r.Field] = [r.Error ?? "This value is not accepted."] };
                _policyOpen = true;
            }
            else (_field, _error) = (r.Field, r.Error ?? "The campaign could not be saved.");
        }
        finally { _saving = false; }
    }

    /// <summary>True when the campaign was saved, false when cancelled.</summary>
    public static async Task<bool> AskAsync(IDialogService dialogs, CampaignSummary summary, Viewer viewer)
    {
        var parameters = new DialogParameters<EditCampaignDialog> { { x => x.Summary, summary }, { x => x.Viewer, viewer } };
        var dialog = await dialogs.ShowAsync<EditCampaignDialog>("Edit campaign", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseOnEscapeKey = true });
        var result = await dialog.Result;
        return result is { Canceled: false };
    }
}
