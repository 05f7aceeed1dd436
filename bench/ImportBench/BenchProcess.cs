using System.Diagnostics;

namespace ImportBench;

/// <summary>What the benches share about their own process: the load average, and one fresh child process per database.</summary>
public static class BenchProcess
{
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>Runs this bench again as <c>&lt;exe&gt; sqlite …</c> and <c>&lt;exe&gt; postgres …</c>, each in a fresh process, and
    /// prints the figures (table rows, headings, and lines starting with one of <paramref name="figurePrefixes"/>), not the
    /// app's start-up banner. Returns how many children failed.</summary>
    public static async Task<int> RunPerDatabaseAsync(Type runner, string[] args, params string[] figurePrefixes)
    {
        var failed = 0;
        foreach (var db in new[] { "sqlite", "postgres" })
        {
            var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
            if (!Environment.ProcessPath!.EndsWith(runner.Assembly.GetName().Name!, StringComparison.Ordinal)) psi.ArgumentList.Add(runner.Assembly.Location);
            psi.ArgumentList.Add(db);
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var child = Process.Start(psi)!;
            string? line;
            while ((line = await child.StandardOutput.ReadLineAsync()) is not null)
                if (line.Length == 0 || line[0] is '|' or '#' || figurePrefixes.Any(p => line.StartsWith(p, StringComparison.Ordinal)))
                    Console.WriteLine(line);
            await child.WaitForExitAsync();
            if (child.ExitCode != 0) { failed++; Console.WriteLine($"<!-- {db}: exit {child.ExitCode} -->"); }
        }
        return failed;
    }
}
