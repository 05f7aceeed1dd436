using System.Diagnostics;
using System.Net;

namespace AutoLynx.FaultBench;

/// <summary>
/// One app instance as its own OS process (<c>dotnet AutoLynx.dll</c>, the app as built), on a fixed port so that a
/// restart after a SIGKILL comes back where the load balancer expects it. Its output goes to a log file per start.
/// </summary>
public sealed class AppSlot(string name, int port, IReadOnlyDictionary<string, string> env, string logDir) : IAsyncDisposable
{
    private Process? _process;
    private StreamWriter? _log;
    private int _starts;

    public string Name { get; } = name;
    public Uri BaseUrl { get; } = new($"http://127.0.0.1:{port}/");
    public int? Pid => _process is { HasExited: false } p ? p.Id : null;
    public bool Running => _process is { HasExited: false };

    public void Start()
    {
        if (Running) throw new InvalidOperationException($"{Name} is already running");
        var dll = AppDll();
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        psi.Environment["ASPNETCORE_URLS"] = BaseUrl.ToString().TrimEnd('/');
        _log?.Dispose();
        _log = new StreamWriter(Path.Combine(logDir, $"{Name}-{++_starts}.log")) { AutoFlush = true };
        var log = _log;
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>kill -9: no shutdown hooks, no lease release, in-flight requests cut.</summary>
    public async Task KillAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async Task WaitHealthyAsync(HttpClient http, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (_process is { HasExited: true }) throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}; see {logDir}");
            try
            {
                using var r = await http.GetAsync(new Uri(BaseUrl, "readyz"));
                if (r.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{Name} did not become ready within {timeout}; see {logDir}");
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _log?.Dispose();
    }

    /// <summary>The app as built beside this bench (same configuration: Release or Debug).</summary>
    private static string AppDll()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AutoLynx.slnx"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException($"No AutoLynx.slnx above {AppContext.BaseDirectory}");
        var config = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var dll = Path.Combine(dir.FullName, "src", "AutoLynx", "bin", config, "net10.0", "AutoLynx.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is not built (dotnet build -c {config} bench/FaultBench)");
        return dll;
    }
}
