using AutoLynx.Data;
using AutoLynx.Features.Assistants;
using AutoLynx.Features.Contacts;
using AutoLynx.Features.PhoneLines;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using MudBlazor;

namespace AutoLynx.Features.Campaigns.Pages;

/// <summary>
/// Upload → preview (nothing saved) → settings → create. The upload lands in a temporary file so the preview,
/// the error CSV and the import read the same bytes without holding them in memory; the long steps run off the
/// circuit's thread and report how far they got.
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

    private List<AssistantView> _assistants = [];
    private List<PhoneLineView> _lines = [];
    private string _name = "";
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
    private readonly CancellationTokenSource _disposed = new();

    private bool CanCreate => !_creating && _busy is null && _report is { Accepted: > 0 } && _assistantId is not null && _phoneLineId is not null
        && !string.IsNullOrWhiteSpace(_name);

    [CascadingParameter] private Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState> AuthState { get; set; } = default!;
    private AutoLynx.Features.Auth.Viewer? _viewer;

    protected override async Task OnInitializedAsync()
    {
        _viewer = AutoLynx.Features.Auth.Viewer.From((await AuthState).User);
        _cap = Dialer.Value.DefaultCap;
        await using var scope = Scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        _assistants = await scope.ServiceProvider.GetRequiredService<AssistantService>().ListAsync(active: true, null, CancellationToken.None);
        _lines = (await db.PhoneLines.Where(l => l.Active).OrderBy(l => l.Name).ToListAsync()).Select(PhoneLineEndpoints.ToView).ToList();
        if (_assistants.Count == 1) _assistantId = _assistants[0].Id;
        if (_lines.Count == 1) _phoneLineId = _lines[0].Id;
    }

    private async Task OnFileAsync(InputFileChangeEventArgs e)
    {
        _fileError = null;
        _report = null;
        DeleteTemp();
        var file = e.File;
        _fileName = file.Name;
        if (string.IsNullOrWhiteSpace(_name)) _name = Path.GetFileNameWithoutExtension(file.Name);
        if (file.Size > Limits.Value.MaxFileBytes)
        {
            _fileError = $"The file is larger than {Limits.Value.MaxFileBytes / 1024 / 1024} MB, the most one upload takes. Split it into several files.";
            return;
        }
        try
        {
            _busy = "Uploading…";
            _progress = 0;
            _tempPath = Path.Combine(Path.GetTempPath(), $"autolynx-upload-{Guid.NewGuid():N}.csv");
            await UploadAsync(file, _tempPath);
            _report = await RunWithProgressAsync("Checking every row…",
                (sp, input, ct) => sp.GetRequiredService<ContactImporter>().ImportAsync(input, null, ct));
            if (_report.Accepted == 0) _fileError = "No row of this file can be imported; see the reasons in the preview.";
        }
        catch (ImportRejectedException ex)
        {
            _fileError = ex.Message;
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
        await using var input = new ReadProgressStream(File.OpenRead(path), new FileInfo(path).Length);
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

    private async Task CreateAsync()
    {
        if (!CanCreate || _tempPath is null || _viewer is null) return;
        _creating = true;
        try
        {
            var command = new CreateCampaignCommand(_name, _assistantId!.Value, _phoneLineId!.Value, _cap, _mode, _viewer.UserId,
                LineQuietGating: _mode == DialMode.Batch && _lineQuietGating);
            var viewer = _viewer;
            var (result, errors) = await RunWithProgressAsync($"Importing {_report!.Accepted:N0} contacts…",
                (sp, input, ct) =>
                {
                    sp.GetRequiredService<AutoLynx.Features.Auth.Actor>().Set(viewer);
                    return sp.GetRequiredService<CampaignService>().CreateAsync(command, input, ct);
                });
            if (errors is not null)
            {
                Snackbar.Add(string.Join(" ", errors.Values.SelectMany(v => v)), Severity.Error);
                return;
            }
            Snackbar.Add($"Campaign created with {result!.ImportReport.Accepted:N0} contacts.", Severity.Success);
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
            await RunWithProgressAsync("Writing the error CSV…",
                (sp, input, ct) => ImportErrorCsv.WriteAsync(sp.GetRequiredService<ContactImporter>(), input, output, ct));
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

    private IEnumerable<(int Row, string Reason, string Content)> ProblemRows(int max)
        => _report is null ? [] : _report.Skipped.Select(s => (s.Row, s.Reason, Content(s.Values)))
            .Concat(_report.Duplicates.Select(d => (d.Row, d.Reason, "")))
            .OrderBy(x => x.Row).Take(max);

    private static string Content(IReadOnlyDictionary<string, string?>? values)
    {
        if (values is null) return "";
        var text = string.Join(" · ", values.Where(v => !string.IsNullOrWhiteSpace(v.Value)).Select(v => v.Value));
        return text.Length > 120 ? text[..120] + "…" : text;
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
