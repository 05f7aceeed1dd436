using AutoLynx.Data;
using AutoLynx.Features.Assistants;
using AutoLynx.Features.Contacts;
using AutoLynx.Features.PhoneLines;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using AutoLynx.Components.Shared;
using MudBlazor;

namespace AutoLynx.Features.Campaigns.Pages;

/// <summary>
/// Upload → (mapping step) → preview (nothing saved) → settings → create. The upload lands in a temporary file so the
/// inspection, the preview, the error CSV and the import read the same bytes without holding them in memory; the long
/// steps run off the circuit's thread and report how far they got. The mapping step opens by itself when a required
/// field is not found, and on request; the mapping given there is remembered for the next file with the same headers.
/// </summary>
public sealed partial class NewCampaign
{
    private const int ShownProblems = 50;

    [Inject] private IServiceScopeFactory Scopes { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private IOptions<DialerOptions> Dialer { get; set; } = default!;
    [Inject] private IOptions<ImportOptions> Limits { get; set; } = default!;
    [Inject] private Compliance.ComplianceDefaults ComplianceDefaults { get; set; } = default!;
    [Inject] private AutoLynx.Components.Shared.BrowserTimeZone BrowserZone { get; set; } = default!;
    [Inject] private Engine.ProviderLimits ProviderLimits { get; set; } = default!;

    private List<AssistantView> _assistants = [];
    private List<PhoneLineView> _lines = [];
    private string _name = "";
    /// <summary>The person typed the name: a newly picked file no longer renames the campaign.</summary>
    private bool _nameTyped;
    private long? _assistantId;
    private long? _phoneLineId;
    private DialMode _mode = DialMode.Continuous;
    private bool _lineQuietGating;
    private int _cap;
    private string? _fileName;
    private string? _tempPath;
    private string? _fileError;
    private string? _busy;
    private double _progress;
    private bool _dragging;
    private bool _creating;
    private ImportReport? _report;
    private FileInspection? _inspection;
    private string? _sheet;
    /// <summary>The mapping the person chose in the mapping step (null: detection, or their remembered one).</summary>
    private ContactMapping? _given;
    private bool _mapping;
    private string? _mappingNotice;
    private readonly CancellationTokenSource _disposed = new();
    /// <summary>Calling hours and retries, from the defaults (demo mode: any time); the server's policy.* errors beside them.</summary>
    private Compliance.Pages.PolicyForm _policy = default!;
    private Dictionary<string, string[]>? _policyErrors;
    private bool _policyOpen;
    private bool _demo;

    private bool CanCreate => !_creating && _busy is null && WhyNotCreate is null;

    /// <summary>Why Create is greyed out, in words (null while it is enabled, or while work in progress shows its own bar).</summary>
    private string? WhyNotCreate => _creating || _busy is not null ? null
        : _report is null && !_mapping ? "Choose a contact file first."
        : _mapping ? "Match the columns first (apply the mapping)."
        : _report is { Accepted: 0 } ? "No contact in this file can be called: none has a valid phone number."
        : _assistantId is null ? _assistants.Count == 0 ? "Add an assistant on the Assistants page first." : "Choose an assistant."
        : _phoneLineId is null ? _lines.Count == 0 ? "Add a phone line on the Phone lines page first." : "Choose a phone line."
        : string.IsNullOrWhiteSpace(_name) ? "Give the campaign a name." : null;

    /// <summary>Calls the Vapi account takes at once, as the dispatcher counts it (Dialer:AccountCap, or lower once Vapi said so).</summary>
    private int AccountLimit => ProviderLimits.OutboundCap(Dialer.Value);

    private string CapNote => _cap > AccountLimit
        ? $"Above the account's limit: at most {AccountLimit} calls run at once over all campaigns; the rest of this campaign's calls wait in the queue until a slot frees."
        : $"Up to {Counts.Of(_cap, "call")} of this campaign at once, and never more than {AccountLimit} over all campaigns (the Vapi account's limit).";

    [CascadingParameter] private Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState> AuthState { get; set; } = default!;
    private AutoLynx.Features.Auth.Viewer? _viewer;

    protected override async Task OnInitializedAsync()
    {
        _viewer = AutoLynx.Features.Auth.Viewer.From((await AuthState).User);
        _cap = Dialer.Value.DefaultCap;
        (_policy, _demo) = (Compliance.Pages.PolicyForm.Of(ComplianceDefaults.NewCampaignPolicy()), ComplianceDefaults.Demo);
        await using var scope = Scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        _assistants = await scope.ServiceProvider.GetRequiredService<AssistantService>().ListAsync(active: true, null, CancellationToken.None);
        _lines = (await db.PhoneLines.Where(l => l.Active).OrderBy(l => l.Name).ToListAsync()).Select(PhoneLineEndpoints.ToView).ToList();
        // The person's last choices when they are still on offer; else the first assistant, and the line when there is one.
        var last = await scope.ServiceProvider.GetRequiredService<CampaignQueries>().LastChoicesAsync(_viewer?.UserId, CancellationToken.None);
        _assistantId = _assistants.Find(a => a.Id == last?.AssistantId)?.Id ?? _assistants.FirstOrDefault()?.Id;
        _phoneLineId = _lines.Find(l => l.Id == last?.PhoneLineId)?.Id ?? (_lines.Count == 1 ? _lines[0].Id : null);
    }

    /// <summary>The scheduled start and end are typed in the browser's time zone, known once the page runs in it.</summary>
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        var zone = await BrowserZone.GetAsync();
        if (zone == _policy.Zone) return;
        _policy.UseZone(zone);
        StateHasChanged();
    }

    private async Task OnFileAsync(InputFileChangeEventArgs e)
    {
        _fileError = null;
        _report = null;
        _inspection = null;
        _sheet = null;
        _given = null;
        _mapping = false;
        DeleteTemp();
        var file = e.File;
        _fileName = file.Name;
        if (!_nameTyped) _name = Path.GetFileNameWithoutExtension(file.Name);
        if (file.Size > Limits.Value.MaxFileBytes)
        {
            _fileError = $"The file is larger than {Limits.Value.MaxFileBytes / 1024 / 1024} MB, the most one upload takes. Split it into several files.";
            return;
        }
        try
        {
            _busy = "Uploading…";
            _progress = 0;
            _tempPath = Path.Combine(Path.GetTempPath(), $"autolynx-upload-{Guid.NewGuid():N}{Path.GetExtension(file.Name)}");
            await UploadAsync(file, _tempPath);
            await InspectAndPreviewAsync();
        }
        catch (IOException ex)
        {
            _fileError = $"The upload failed: {ex.Message}";
        }
        finally
        {
            _busy = null;
        }
    }

    /// <summary>The file's columns first; then the preview, unless a required field is not found (then the mapping step).</summary>
    private async Task InspectAndPreviewAsync()
    {
        _fileError = null;
        _report = null;
        try
        {
            var sheet = _sheet;
            _inspection = await RunWithProgressAsync("Reading the columns…",
                (sp, input, ct) => sp.GetRequiredService<ContactImporter>().InspectAsync(input, sheet, ct));
            _sheet = _inspection.Sheet;
            var userId = _viewer?.UserId;
            var headers = _inspection.Headers;
            var token = _disposed.Token;
            var remembered = _given is null ? await InScopeAsync(sp => sp.GetRequiredService<ImportMappingStore>().FindAsync(userId, headers, token)) : null;
            // As the import will: the person's mapping; else their remembered one if it still fits; else detection.
            var rememberedFits = remembered is not null && TryResolve(headers, remembered) is null;
            if (!rememberedFits && TryResolve(headers, _given) is { } problem)
            {
                OpenMapping(MissingNotice(problem));
                return;
            }
            await PreviewAsync();
        }
        catch (ImportRejectedException ex)
        {
            _fileError = ex.Message;
        }
        finally
        {
            _busy = null;
        }
    }

    private async Task PreviewAsync()
    {
        _mapping = false;
        _mappingNotice = null;
        var settings = Settings();
        _report = await RunWithProgressAsync("Checking every row…",
            (sp, input, ct) => sp.GetRequiredService<ContactImporter>().ImportAsync(input, null, ct, settings: WithStore(sp, settings)));
        if (_report.Accepted == 0) _fileError = "No row of this file can be imported; see the reasons in the preview.";
    }

    /// <summary>The person's mapping if they chose one; else their remembered one, looked up in the worker's own scope.</summary>
    private ImportSettings Settings() => new(_given, _sheet);

    private ImportSettings WithStore(IServiceProvider sp, ImportSettings settings)
        => sp.GetRequiredService<ImportMappingStore>().SettingsFor(_viewer?.UserId, settings.Mapping, settings.Sheet);

    private static ImportRejectedException? TryResolve(IReadOnlyList<string> headers, ContactMapping? mapping)
    {
        try
        {
            ContactHeaders.Resolve(headers, mapping);
            return null;
        }
        catch (ImportRejectedException ex)
        {
            return ex;
        }
    }

    /// <summary>"…missing the required columns business_name, phone. The first line…" → which fields to choose, in words.</summary>
    private static string MissingNotice(ImportRejectedException ex)
    {
        var m = System.Text.RegularExpressions.Regex.Match(ex.Message, @"missing the required columns? (?<fields>[a-z_, ]+)\.");
        if (!m.Success) return ex.Message;
        var fields = m.Groups["fields"].Value.Split(", ").Select(f => f switch
        {
            ContactMapping.NameField => "the name",
            ContactMapping.BusinessNameField => "the business name",
            _ => "the phone number",
        });
        return $"The column names do not say which column holds {string.Join(" and ", fields)}. Choose the columns below.";
    }

    private void OnNameTyped(string value)
    {
        _name = value;
        _nameTyped = !string.IsNullOrWhiteSpace(value);
    }

    private void OpenMapping(string? notice)
    {
        _mapping = true;
        _mappingNotice = notice;
    }

    private async Task ApplyMappingAsync(ContactMapping mapping)
    {
        _given = mapping;
        try
        {
            await PreviewAsync();
        }
        catch (ImportRejectedException ex)
        {
            OpenMapping(ex.Message);
        }
        finally
        {
            _busy = null;
        }
    }

    private void CancelMapping() => _mapping = false;

    private async Task OnSheetAsync(string sheet)
    {
        if (sheet == _sheet) return;
        _sheet = sheet;
        _given = null;
        _mapping = false;
        await InspectAndPreviewAsync();
    }

    /// <summary>The preview's mapping as the mapping step shows it.</summary>
    private ContactMapping? CurrentMapping => _report is null ? _given : new ContactMapping(
        _report.Mapping.GetValueOrDefault(ContactMapping.NameField), _report.Mapping.GetValueOrDefault(ContactMapping.BusinessNameField),
        _report.Mapping.GetValueOrDefault(ContactMapping.PhoneField));

    private async Task UploadAsync(IBrowserFile file, string path)
    {
        await using var source = file.OpenReadStream(Limits.Value.MaxFileBytes, _disposed.Token);
        await using var target = File.Create(path);
        var buffer = new byte[81920];
        long done = 0;
        int n;
        var lastShown = DateTime.UtcNow;
        while ((n = await source.ReadAsync(buffer, _disposed.Token)) > 0)
        {
            await target.WriteAsync(buffer.AsMemory(0, n), _disposed.Token);
            done += n;
            if (DateTime.UtcNow - lastShown <= TimeSpan.FromMilliseconds(200)) continue;
            _progress = file.Size == 0 ? 100 : 100.0 * done / file.Size;
            lastShown = DateTime.UtcNow;
            StateHasChanged();
        }
    }

    /// <summary>Reads the uploaded file with <paramref name="work"/> on a worker thread; the bar follows the bytes read.</summary>
    private async Task<T> RunWithProgressAsync<T>(string label, Func<IServiceProvider, Stream, CancellationToken, Task<T>> work)
    {
        _busy = label;
        _progress = 0;
        StateHasChanged();
        var path = _tempPath ?? throw new InvalidOperationException("No file uploaded.");
        await using var input = new ReadProgressStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous),
            new FileInfo(path).Length);
        await using var timer = new Timer(_ => InvokeAsync(() =>
        {
            _progress = input.Percent;
            StateHasChanged();
        }), null, 250, 250);
        var token = _disposed.Token;
        return await Task.Run(async () =>
        {
            await using var scope = Scopes.CreateAsyncScope();
            return await work(scope.ServiceProvider, input, token);
        }, token);
    }

    private async Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = Scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    private async Task CreateAsync()
    {
        if (!CanCreate || _tempPath is null || _viewer is null) return;
        _creating = true;
        try
        {
            var command = new CreateCampaignCommand(_name, _assistantId!.Value, _phoneLineId!.Value, _cap, _mode, _viewer.UserId,
                LineQuietGating: _mode == DialMode.Batch && _lineQuietGating, Policy: _policy.ToJson(_phoneLineId));
            var viewer = _viewer;
            var settings = Settings();
            var (result, errors) = await RunWithProgressAsync($"Importing {Counts.Of(_report!.Accepted, "contact")}…",
                async (sp, input, ct) =>
                {
                    sp.GetRequiredService<AutoLynx.Features.Auth.Actor>().Set(viewer);
                    var created = await sp.GetRequiredService<CampaignService>().CreateAsync(command, input, ct, WithStore(sp, settings));
                    if (created.Result is { } r) await sp.GetRequiredService<ImportMappingStore>().RememberIfGivenAsync(viewer.UserId, r.ImportReport, ct);
                    return created;
                });
            _policyErrors = errors?.Where(e => e.Key.StartsWith("policy", StringComparison.Ordinal)).ToDictionary();
            _policyOpen |= _policyErrors is { Count: > 0 };
            if (errors is not null)
            {
                Snackbar.Add(string.Join(" ", errors.Values.SelectMany(v => v)), Severity.Error);
                return;
            }
            Snackbar.Add($"Campaign created with {Counts.Of(result!.ImportReport.Accepted, "contact")}.", Severity.Success);
            Nav.NavigateTo($"/campaigns/{result.CampaignId}");
        }
        catch (ImportRejectedException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
        finally
        {
            _busy = null;
            _creating = false;
        }
    }

    /// <summary>The error CSV (every row not imported, with its reason) through the browser's download.</summary>
    private async Task DownloadErrorsAsync()
    {
        if (_tempPath is null) return;
        var output = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        try
        {
            var settings = Settings();
            await RunWithProgressAsync("Writing the error CSV…",
                (sp, input, ct) => ImportErrorCsv.WriteAsync(sp.GetRequiredService<ContactImporter>(), input, output, ct, WithStore(sp, settings)));
            _busy = null;
            output.Position = 0;
            using var streamRef = new DotNetStreamReference(output, leaveOpen: true);
            await using var module = await JS.InvokeAsync<IJSObjectReference>("import", "./Features/Campaigns/Pages/NewCampaign.razor.js");
            await module.InvokeVoidAsync("saveFile", ImportErrorCsv.FileNameFor(_fileName), "text/csv", streamRef);
        }
        catch (ImportRejectedException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
        finally
        {
            _busy = null;
            await output.DisposeAsync();
        }
    }

    private void DeleteTemp()
    {
        if (_tempPath is not null && File.Exists(_tempPath)) File.Delete(_tempPath);
        _tempPath = null;
    }

    public ValueTask DisposeAsync()
    {
        _disposed.Cancel();
        _disposed.Dispose();
        DeleteTemp();
        return ValueTask.CompletedTask;
    }
}
