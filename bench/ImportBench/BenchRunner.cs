using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ImportBench;

// Usage:
//   dotnet run -c Release --project bench/ImportBench                      all cases, each in a fresh process
//   dotnet run -c Release --project bench/ImportBench -- sqlite 100000     one case in this process
// (Not top-level statements: their class would be called Program and hide the app's Program from WebApplicationFactory.)
public static class BenchRunner
{
    public static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        if (args.Length >= 2) return await RunCaseAsync(args[0], int.Parse(args[1]), args.Length >= 3 ? args[2] : "csv");

        // The workbook case: about 50 MB of .xlsx, the most one upload takes by default.
        var cases = new[] { ("sqlite", 100_000, "csv"), ("sqlite", 1_000_000, "csv"), ("postgres", 100_000, "csv"), ("postgres", 1_000_000, "csv"), ("sqlite", XlsxRows, "xlsx") };
        Console.WriteLine($"AutoLynx import benchmark — {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"load average at start: {BenchProcess.LoadAverage()}");
        Console.WriteLine("| db | rows | file MB | step | seconds | rows/s | CPU seconds | peak working set MB | peak managed heap MB | allocated B/row |");
        Console.WriteLine("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        var failed = 0;
        foreach (var (db, rows, format) in cases)
        {
            if (format == "xlsx") BenchFile.EnsureXlsx(rows);
            else BenchFile.Ensure(rows);  // outside the measured process
            var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
            if (!Environment.ProcessPath!.EndsWith("ImportBench", StringComparison.Ordinal)) psi.ArgumentList.Add(typeof(BenchApp).Assembly.Location);
            psi.ArgumentList.Add(db);
            psi.ArgumentList.Add(rows.ToString());
            psi.ArgumentList.Add(format);
            using var child = Process.Start(psi)!;
            var output = await child.StandardOutput.ReadToEndAsync();
            await child.WaitForExitAsync();
            foreach (var line in output.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal))) Console.WriteLine(line);
            if (child.ExitCode != 0) { failed++; Console.WriteLine($"<!-- {db} {rows}: exit {child.ExitCode} -->"); }
        }
        return failed;
    }

    /// <summary>Rows of the workbook case: about 50 MB of .xlsx (a sheet holds at most 1,048,576 rows).</summary>
    private const int XlsxRows = 1_000_000;

    private static async Task<int> RunCaseAsync(string db, int rows, string format)
    {
        var path = format == "xlsx" ? BenchFile.EnsureXlsx(rows) : BenchFile.Ensure(rows);
        var fileBytes = new FileInfo(path).Length;
        Console.Error.WriteLine($"{db} {rows}: load average {BenchProcess.LoadAverage()}");
        await using var app = new BenchApp(db, maxFileBytes: 256L * 1024 * 1024, maxRows: 2_000_000);
        var assistantId = (await GetAsync(app, "api/assistants"))[0].GetProperty("id").GetInt64();
        var lineId = (await GetAsync(app, "api/phone-lines"))[0].GetProperty("id").GetInt64();

        // Warm-up (JIT, connection pools): a small file through both endpoints, not measured.
        var warm = format == "xlsx" ? BenchFile.EnsureXlsx(20_000) : BenchFile.Ensure(20_000);
        await PostAsync(app, "api/campaigns/validate", warm, []);
        await PostAsync(app, "api/campaigns", warm, [("name", "warm-up"), ("assistantId", $"{assistantId}"), ("phoneLineId", $"{lineId}")]);

        foreach (var (step, url, fields) in new[]
        {
            // Each twice: the first right after a 20k-row warm-up, the second with the code fully optimised (tiered JIT).
            ("validate 1st", "api/campaigns/validate", Array.Empty<(string, string)>()),
            ("import 1st", "api/campaigns", [("name", "bench"), ("assistantId", $"{assistantId}"), ("phoneLineId", $"{lineId}"), ("cap", "8")]),
            ("validate 2nd", "api/campaigns/validate", Array.Empty<(string, string)>()),
            ("import 2nd", "api/campaigns", [("name", "bench 2"), ("assistantId", $"{assistantId}"), ("phoneLineId", $"{lineId}"), ("cap", "8")]),
        })
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var sampler = new MemorySampler();
            var clock = Stopwatch.StartNew();
            var report = await PostAsync(app, url, path, fields);
            clock.Stop();
            await sampler.DisposeAsync();
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            if (step.StartsWith("import", StringComparison.Ordinal)) report = report.GetProperty("importReport");
            var accepted = report.GetProperty("accepted").GetInt32();
            if (report.GetProperty("totalRows").GetInt32() != rows) throw new InvalidOperationException($"totalRows {report.GetProperty("totalRows")} ≠ {rows}");
            Console.WriteLine($"| {db}{(format == "xlsx" ? " xlsx" : "")} | {rows:N0} | {fileBytes / 1048576.0:0.0} | {step} ({accepted:N0} accepted) | {clock.Elapsed.TotalSeconds:0.00} | " +
                              $"{rows / clock.Elapsed.TotalSeconds:N0} | {cpu.TotalSeconds:0.00} | {sampler.PeakWorkingSet / 1048576.0:0} | {sampler.PeakManagedHeap / 1048576.0:0} | {allocated / rows:N0} |");
        }
        return 0;
    }

    private static async Task<JsonElement> GetAsync(BenchApp app, string url)
    {
        using var resp = await app.Http.GetAsync(url);
        resp.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await resp.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>Multipart upload streamed from disk, as a browser or curl sends it.</summary>
    private static async Task<JsonElement> PostAsync(BenchApp app, string url, string path, (string Name, string Value)[] fields)
    {
        await using var file = File.OpenRead(path);
        using var form = new MultipartFormDataContent();
        foreach (var (n, v) in fields) form.Add(new StringContent(v), n);
        var content = new StreamContent(file, 1 << 16);
        content.Headers.ContentType = new MediaTypeHeaderValue(path.EndsWith(".xlsx", StringComparison.Ordinal)
            ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv");
        form.Add(content, "file", Path.GetFileName(path));
        using var resp = await app.Http.PostAsync(url, form);
        var body = await resp.Content.ReadAsStringAsync();
        if (!resp.IsSuccessStatusCode) throw new InvalidOperationException($"{url}: {(int)resp.StatusCode} {body[..Math.Min(500, body.Length)]}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
