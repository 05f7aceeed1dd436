using System.Diagnostics;
using System.Text;

namespace AutoLynx.Tests.Infrastructure;

/// <summary>The app as its own process (`dotnet AutoLynx.dll`), as an operator starts it: for crashes and refused starts.</summary>
public static class AppProcess
{
    /// <summary>Starts the app with these environment variables; its output lines go to <paramref name="line"/>, or are dropped.</summary>
    public static Process Start(IReadOnlyDictionary<string, string> env, Action<string>? line = null)
    {
        var p = Process.Start(StartInfo(env))!;
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) line?.Invoke(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) line?.Invoke(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary>Runs the app until it exits by itself (a refused start); fails the test if it is still running after <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunToExitAsync(IReadOnlyDictionary<string, string> env, TimeSpan timeout)
    {
        using var p = Process.Start(StartInfo(env))!;
        StringBuilder output = new(), error = new();
        p.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { lock (error) error.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"the app did not exit within {timeout}; output so far:\n{output}");
        }
        p.WaitForExit(); // the last output lines
        lock (output) lock (error) return (p.ExitCode, output.ToString(), error.ToString());
    }

    private static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> env)
    {
        var dll = Dll();
        var psi = new ProcessStartInfo("dotnet", $"\"{dll}\"")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var (k, v) in env) psi.Environment[k] = v;
        return psi;
    }

    /// <summary>The app as built for the tests (its own output folder carries its runtime config and static assets).</summary>
    private static string Dll()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AutoLynx.slnx"))) dir = dir.Parent;
        var config = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // net10.0's parent: Debug/Release
        var dll = Path.Combine(dir!.FullName, "src", "AutoLynx", "bin", config, "net10.0", "AutoLynx.dll");
        Assert.True(File.Exists(dll), $"{dll} not built");
        return dll;
    }
}
