using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ImportBench;

namespace ResultsBench;

// Usage:
//   dotnet run -c Release --project bench/ResultsBench                          both databases, each in a fresh process
//   dotnet run -c Release --project bench/ResultsBench -- sqlite [history=1000000] [export=100000] [big=1000000]
// (Not top-level statements: their class would be called Program and hide the app's Program from WebApplicationFactory.)
public static class ResultsRunner
{
    private const int Rounds = 20;
    private const int HistoryCampaigns = 40, Assistants = 5, Lines = 4, Attempts = 4;

    public static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        if (args.Length >= 1 && args[0] is "sqlite" or "postgres")
            return await RunCaseAsync(args[0], Arg(args, 1, 1_000_000), Arg(args, 2, 100_000), Arg(args, 3, 1_000_000));

        Console.WriteLine($"AutoLynx results benchmark — {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {BenchProcess.LoadAverage()}");
        return await BenchProcess.RunPerDatabaseAsync(typeof(ResultsRunner), args, "seeded", "check", "load");
    }

    private static int Arg(string[] args, int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;

    private static async Task<int> RunCaseAsync(string db, int history, int exportRows, int bigRows)
    {
        Console.WriteLine($"\n## {db}: {history:N0} history calls, export {exportRows:N0} and {bigRows:N0} rows — load average {BenchProcess.LoadAverage()}");
        await using var app = new BenchApp(db, maxFileBytes: 256L * 1024 * 1024, maxRows: 2_000_000);
        var now = DateTime.UtcNow;
        var seeder = new Seeder(app, now);

        // A one-contact campaign through the API: the template the seeded campaigns copy (owner, policy), and the warm-up export.
        var template = await CreateCampaignAsync(app);
        var (assistants, lines) = await seeder.EnsureAssistantsAndLinesAsync(Assistants, Lines);

        var clock = Stopwatch.StartNew();
        // History: campaigns of three days each, one every 2.2 days over the last ~90, each contact called up to four times.
        var perCampaign = history / HistoryCampaigns / Attempts;
        var historyIds = new List<long>();
        for (var c = 0; c < HistoryCampaigns && perCampaign > 0; c++)
        {
            var id = await seeder.CampaignAsync(template, $"History {c}", assistants[c % Assistants], lines[c % Lines], perCampaign);
            await seeder.ContactsAndCallsAsync(id, lines[c % Lines], perCampaign, Attempts, now.AddDays(-92 + c * 2.2), TimeSpan.FromHours(72), rich: false);
            historyIds.Add(id);
        }
        // The export's campaign: every contact called once, over the last day, with what a real ended call stores.
        var exportId = await seeder.CampaignAsync(template, "Export 100k", assistants[0], lines[0], exportRows);
        await seeder.ContactsAndCallsAsync(exportId, lines[0], exportRows, 1, now.AddHours(-20), TimeSpan.FromHours(18), rich: true);
        var seeded = clock.Elapsed;
        await seeder.AnalyzeAsync();
        var rollup = await seeder.WaitForRollupAsync(TimeSpan.FromMinutes(30));
        var calls = await seeder.ScalarAsync("SELECT COUNT(*) FROM calls");
        var cells = await seeder.ScalarAsync("SELECT COUNT(*) FROM call_stats");
        Console.WriteLine($"seeded {calls:N0} calls in {seeded.TotalSeconds:0.0} s; the app's refresher folded them into {cells:N0} rollup cells {rollup.TotalSeconds:0.0} s later");

        // The rollup counts what the calls say: all-time dialed from the API against the calls table.
        var dialedSql = await seeder.ScalarAsync("SELECT COUNT(*) FROM calls WHERE provider_call_id IS NOT NULL AND (outcome IS NULL OR outcome <> 'ConcurrencyLimited')");
        var allTime = $"from={Iso(now.AddDays(-120))}&to={Iso(now.AddMinutes(1))}";
        var dialedApi = (await GetJsonAsync(app, $"api/analytics/overview?{allTime}")).GetProperty("dialed").GetInt64();
        Console.WriteLine($"check: all-time dialed {dialedApi:N0} from the API, {dialedSql:N0} in the calls table{(dialedApi == dialedSql ? "" : "  ← MISMATCH")}");

        Console.WriteLine();
        Console.WriteLine("| db | analytics request | p50 ms | p95 ms | max ms | calls covered |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: |");
        var recent = historyIds[^3];
        foreach (var (label, url) in new[]
        {
            ("overview, default range (last 30 days)", "api/analytics/overview"),
            ("overview, all time (120 days)", $"api/analytics/overview?{allTime}"),
            ("overview, campaignId", $"api/analytics/overview?campaignId={recent}"),
            ("overview, assistantId", $"api/analytics/overview?assistantId={assistants[1]}&{allTime}"),
            ("overview, date range (30 days, mid-hour edges)", $"api/analytics/overview?from={Iso(now.AddDays(-60).AddMinutes(17))}&to={Iso(now.AddDays(-30).AddMinutes(-13))}"),
            ("overview, phoneLineId", $"api/analytics/overview?phoneLineId={lines[2]}&{allTime}"),
            ($"campaign (history, {perCampaign * Attempts / 1000.0:0.#}k calls)", $"api/analytics/campaigns/{recent}"),
            ($"campaign (export, {exportRows / 1000}k calls)", $"api/analytics/campaigns/{exportId}"),
        })
        {
            var (p50, p95, max, covered) = await LatencyAsync(app, url);
            Console.WriteLine($"| {db} | {label} | {p50:0.0} | {p95:0.0} | {max:0.0} | {covered:N0} |");
        }

        Console.WriteLine();
        Console.WriteLine("| db | export | rows | MB | seconds | rows/s | working set before MB | peak working set MB | peak managed heap MB | allocated B/row | app CPU s | PostgreSQL CPU s |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        await ExportAsync(app, template, db, "warm-up (1 row)", print: false);
        for (var run = 1; run <= 3; run++) await ExportAsync(app, exportId, db, $"{exportRows / 1000}k, run {run}");
        await ExportAsync(app, exportId, db, $"{exportRows / 1000}k, Excel", query: "?excel=true");

        if (bigRows > 0)
        {
            clock.Restart();
            var bigId = await seeder.CampaignAsync(template, "Export 1M", assistants[0], lines[1], bigRows);
            await seeder.ContactsAndCallsAsync(bigId, lines[1], bigRows, 1, now.AddHours(-23), TimeSpan.FromHours(22), rich: true);
            seeded = clock.Elapsed;
            await seeder.AnalyzeAsync();
            rollup = await seeder.WaitForRollupAsync(TimeSpan.FromMinutes(30));
            Console.WriteLine($"| {db} | (seeded {bigRows:N0} more contacts and calls in {seeded.TotalSeconds:0.0} s, rollup caught up {rollup.TotalSeconds:0.0} s later) | | | | | | | | |");
            for (var run = 1; run <= 2; run++) await ExportAsync(app, bigId, db, $"{bigRows / 1000}k, run {run}");
        }
        Console.WriteLine($"\nload average at the end: {BenchProcess.LoadAverage()}");
        return 0;
    }

    /// <summary>A one-contact campaign through the API; returns its id.</summary>
    private static async Task<long> CreateCampaignAsync(BenchApp app)
    {
        var assistant = (await GetJsonAsync(app, "api/assistants"))[0].GetProperty("id").GetInt64();
        var line = (await GetJsonAsync(app, "api/phone-lines"))[0].GetProperty("id").GetInt64();
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes("name,business_name,phone\nTemplate Person,Template Inc,+14155550123\n")), "file", "template.csv" },
            { new StringContent("template"), "name" },
            { new StringContent(assistant.ToString(CultureInfo.InvariantCulture)), "assistantId" },
            { new StringContent(line.ToString(CultureInfo.InvariantCulture)), "phoneLineId" },
        };
        using var resp = await app.Http.PostAsync("api/campaigns", form);
        var body = await resp.Content.ReadAsStringAsync();
        if (!resp.IsSuccessStatusCode) throw new InvalidOperationException($"creating the template campaign answered {(int)resp.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("campaignId").GetInt64();
    }

    /// <summary>Two untimed requests, then <see cref="Rounds"/> timed ones one after another: p50, p95 (nearest rank), max, and the answer's calls.</summary>
    private static async Task<(double P50, double P95, double Max, long Calls)> LatencyAsync(BenchApp app, string url)
    {
        long covered = 0;
        for (var i = 0; i < 2; i++) covered = (await GetJsonAsync(app, url)).GetProperty("calls").GetInt64();
        var ms = new List<double>();
        for (var i = 0; i < Rounds; i++)
        {
            var t = Stopwatch.StartNew();
            await GetJsonAsync(app, url);
            ms.Add(t.Elapsed.TotalMilliseconds);
        }
        ms.Sort();
        double Rank(double p) => ms[Math.Clamp((int)Math.Ceiling(p * ms.Count) - 1, 0, ms.Count - 1)];
        return (Rank(0.5), Rank(0.95), ms[^1], covered);
    }

    /// <summary>The export read to its last byte as a client would (streamed, nothing kept), timed and with the process's memory sampled.</summary>
    private static async Task ExportAsync(BenchApp app, long campaign, string db, string label, string query = "", bool print = true)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var before = Environment.WorkingSet;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var sampler = new MemorySampler();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var serverBefore = ServerCpu(app);
        var clock = Stopwatch.StartNew();
        using var resp = await app.Http.GetAsync($"api/campaigns/{campaign}/export.csv{query}", HttpCompletionOption.ResponseHeadersRead);
        if (!resp.IsSuccessStatusCode) throw new InvalidOperationException($"export answered {(int)resp.StatusCode}: {await resp.Content.ReadAsStringAsync()}");
        var rows = long.Parse(resp.Headers.GetValues("X-Export-Rows").First(), CultureInfo.InvariantCulture);
        long bytes = 0;
        var buffer = new byte[1 << 16];
        await using (var body = await resp.Content.ReadAsStreamAsync())
        {
            int n;
            while ((n = await body.ReadAsync(buffer)) > 0) bytes += n;
        }
        clock.Stop();
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        var server = ServerCpu(app) - serverBefore;
        await sampler.DisposeAsync();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        if (!print) return;
        Console.WriteLine($"| {db} | {label} | {rows:N0} | {bytes / 1048576.0:0.0} | {clock.Elapsed.TotalSeconds:0.00} | {rows / clock.Elapsed.TotalSeconds:N0} | " +
                          $"{before / 1048576.0:0} | {sampler.PeakWorkingSet / 1048576.0:0} | {sampler.PeakManagedHeap / 1048576.0:0} | {allocated / Math.Max(1, rows):N0} | {cpu:0.00} | {(app.Db == "sqlite" ? "" : server.ToString("0.00", CultureInfo.InvariantCulture))} |");
    }

    /// <summary>
    /// CPU seconds used so far by the PostgreSQL backends serving the bench's database (from /proc; a parallel worker
    /// is not counted). On a shared machine wall time carries the neighbours' load; CPU seconds mostly do not.
    /// </summary>
    private static double ServerCpu(BenchApp app)
    {
        if (app.Db == "sqlite" || !Directory.Exists("/proc")) return 0;
        var database = new Npgsql.NpgsqlConnectionStringBuilder(app.ConnectionString).Database!;
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (!File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(database, StringComparison.Ordinal)) continue;
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture); // utime, stime
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        }
        return ticks / 100.0; // USER_HZ
    }

    private static async Task<JsonElement> GetJsonAsync(BenchApp app, string url)
    {
        using var resp = await app.Http.GetAsync(url);
        var body = await resp.Content.ReadAsStringAsync();
        if (!resp.IsSuccessStatusCode) throw new InvalidOperationException($"{url}: {(int)resp.StatusCode} {body[..Math.Min(500, body.Length)]}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static string Iso(DateTime utc) => Uri.EscapeDataString(utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

}
