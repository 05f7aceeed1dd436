using AutoLynx.Features.Auth;
using AutoLynx.Features.Contacts;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace AutoLynx.Features.Campaigns.Pages;

/// <summary>"Add contacts" on the campaign page: the file is kept in a temporary file, checked with a dry run of
/// <see cref="CampaignContactAdder"/> (the report), then added by the same service (POST /api/campaigns/{id}/contacts does the same).</summary>
public sealed partial class AddContactsDialog : IAsyncDisposable
{
    private const int ShownProblems = 10;

    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [Parameter, EditorRequired] public CampaignSummary Summary { get; set; } = default!;
    [Parameter, EditorRequired] public Viewer Viewer { get; set; } = default!;
    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IOptions<ImportOptions> Limits { get; set; } = default!;

    private FileStream? _file;
    private ImportReport? _report;
    private string? _error;
    private bool _busy;

    private async Task OnFileAsync(InputFileChangeEventArgs e)
    {
        _busy = true;
        _error = null;
        _report = null;
        try
        {
            if (_file is not null) await _file.DisposeAsync();
            _file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
                FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            if (e.File.Size > Limits.Value.MaxFileBytes)
            {
                _error = $"The file is larger than {Limits.Value.MaxFileBytes / (1024 * 1024)} MB.";
                return;
            }
            await using (var upload = e.File.OpenReadStream(Limits.Value.MaxFileBytes)) await upload.CopyToAsync(_file);
            (_report, _error) = await RunAsync(dryRun: true);
        }
        finally { _busy = false; }
    }

    private async Task AddAsync()
    {
        _busy = true;
        try
        {
            var (report, error) = await RunAsync(dryRun: false);
            if (error is not null || report is null)
            {
                _error = error ?? "The contacts could not be added.";
                return;
            }
            Snackbar.Add($"{report.Accepted:N0} {(report.Accepted == 1 ? "contact" : "contacts")} added.", Severity.Success);
            Dialog.Close(DialogResult.Ok(report.Accepted));
        }
        finally { _busy = false; }
    }

    private async Task<(ImportReport? Report, string? Error)> RunAsync(bool dryRun)
    {
        _file!.Position = 0;
        AddContactsResult? result = null;
        try
        {
            var outcome = await CampaignCommands.RunAsync(Scopes, Summary.Id, Viewer, async sp =>
            {
                var settings = sp.GetRequiredService<ImportMappingStore>().SettingsFor(Viewer.UserId, null, null);
                (result, var r) = await sp.GetRequiredService<CampaignContactAdder>().AddAsync(Summary.Id, _file, settings, dryRun, CancellationToken.None);
                return r;
            });
            return outcome.Ok ? (result!.ImportReport, null) : (null, outcome.Error);
        }
        catch (ImportRejectedException ex)
        {
            return (null, ex.Message);
        }
    }

    private static IEnumerable<(int Row, string Reason)> Problems(ImportReport r) =>
        r.Skipped.Select(s => (s.Row, s.Reason)).Concat(r.Duplicates.Select(d => (d.Row, d.Reason))).OrderBy(p => p.Row).Take(ShownProblems);

    public async ValueTask DisposeAsync()
    {
        if (_file is not null) await _file.DisposeAsync();
    }

    /// <summary>How many contacts were added, or null when cancelled.</summary>
    public static async Task<int?> ShowAsync(IDialogService dialogs, CampaignSummary summary, Viewer viewer)
    {
        var parameters = new DialogParameters<AddContactsDialog> { { x => x.Summary, summary }, { x => x.Viewer, viewer } };
        var dialog = await dialogs.ShowAsync<AddContactsDialog>("Add contacts", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true });
        var result = await dialog.Result;
        return result is { Canceled: false, Data: int n } ? n : null;
    }
}
