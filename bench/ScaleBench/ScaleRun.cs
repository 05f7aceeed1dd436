using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AutoLynx.Bench;
using AutoLynx.Features.Demo;
using AutoLynx.VapiSimulator;
using ImportBench;
using Microsoft.Extensions.DependencyInjection;

namespace ScaleBench;

/// <summary>
/// The real app on PostgreSQL (ImportBench's <see cref="BenchApp"/>: Kestrel on a real port, a fresh database per run,
/// dropped afterwards) in demo mode, with its in-process Vapi simulator over real sockets, set up for a scale run:
/// the simulator's concurrency limit = <c>Dialer:AccountCap</c>, time-compressed, one attempt per contact (the makespan
/// and double dials are judged against one call per contact), lines with room for the run.
/// </summary>
public sealed class ScaleRun : IAsyncDisposable
{
    private readonly BenchApp _app;
    public HttpClient Http => _app.Http;
    /// <summary>The simulator over HTTP (what the app sees is the same sockets).</summary>
    public HttpClient Sim { get; }
    /// <summary>The simulator in this process: its stats without serialising them (the sampling loops read it every second).</summary>
    public VapiSimulatorHost Simulator { get; }
    public int AccountCap { get; }
    public double TimeScale { get; }
    public List<long> Lines { get; } = [];
    public long AssistantId { get; private set; }

    /// <summary>
    /// The app's PostgreSQL pool. The machine's server has max_connections = 100, shared with other work; Npgsql's default
    /// pool (100) would take all of it. Override with AUTOLYNX_SCALE_POOL.
    /// </summary>
    public static int PoolSize => int.TryParse(Environment.GetEnvironmentVariable("AUTOLYNX_SCALE_POOL"), out var n) ? n : 30;

    private ScaleRun(BenchApp app, int accountCap, double timeScale)
    {
        _app = app;
        AccountCap = accountCap;
        TimeScale = timeScale;
        Simulator = app.Services.GetRequiredService<DemoEnvironment>().Simulator!;
        Sim = new HttpClient { BaseAddress = Simulator.BaseUrl, Timeout = TimeSpan.FromMinutes(10) };
    }

    /// <param name="startsPerSecond">Dialer:CallStartsPerSecond (account pacing, before the time scale).</param>
    public static async Task<ScaleRun> StartAsync(int accountCap, double timeScale, int lines, int lineCap, int retainedCalls, double startsPerSecond)
    {
        var settings = new Dictionary<string, string>
        {
            ["Simulator:TimeScale"] = timeScale.ToString(CultureInfo.InvariantCulture),
            ["Simulator:Seed"] = "2026",
            ["Simulator:ConcurrencyLimit"] = accountCap.ToString(CultureInfo.InvariantCulture),
            ["Simulator:MaxRetainedCalls"] = retainedCalls.ToString(CultureInfo.InvariantCulture),
            ["Dialer:AccountCap"] = accountCap.ToString(CultureInfo.InvariantCulture),
            ["Dialer:WakeUps"] = "true",
            ["Dialer:TickSeconds"] = "60",
            ["Dialer:CallStartsPerSecond"] = startsPerSecond.ToString(CultureInfo.InvariantCulture),
            ["Compliance:DefaultRetry:MaxAttempts"] = "1",
        };
        // The simulator's numbers: the default one is index 0, the rest follow it.
        for (var i = 0; i < lines; i++) settings[$"Simulator:PhoneNumbers:{i}"] = $"+1415555{100 + i:0000}";
        var run = new ScaleRun(new BenchApp("postgres", 64L * 1024 * 1024, 1_000_000, settings, PoolSize), accountCap, timeScale);
        var assistants = await run.Http.GetFromJsonAsync<JsonElement>("api/assistants");
        run.AssistantId = assistants[0].GetProperty("id").GetInt64();
        var found = await run.Http.GetFromJsonAsync<JsonElement>("api/phone-lines");
        foreach (var line in found.EnumerateArray().Take(lines))
        {
            var id = line.GetProperty("id").GetInt64();
            (await run.Http.PatchAsJsonAsync($"api/phone-lines/{id}", new { maxConcurrent = lineCap })).EnsureSuccessStatusCode();
            run.Lines.Add(id);
        }
        if (run.Lines.Count < lines) throw new InvalidOperationException($"The simulator offered {run.Lines.Count} phone lines, not {lines}.");
        return run;
    }

    /// <summary>Creates a campaign of <paramref name="contacts"/> contacts whose numbers start at <paramref name="firstNumber"/> (unique over the run).</summary>
    public async Task<long> CreateCampaignAsync(string name, long lineId, int cap, int contacts, int firstNumber)
    {
        var csv = new StringBuilder("name,business_name,phone\n");
        for (var i = 0; i < contacts; i++) csv.Append(CultureInfo.InvariantCulture, $"Person {firstNumber + i},Business {firstNumber + i},{Phone(firstNumber + i)}\n");
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(csv.ToString())), "file", "scale.csv" },
            { new StringContent(name), "name" },
            { new StringContent(AssistantId.ToString(CultureInfo.InvariantCulture)), "assistantId" },
            { new StringContent(lineId.ToString(CultureInfo.InvariantCulture)), "phoneLineId" },
            { new StringContent(cap.ToString(CultureInfo.InvariantCulture)), "cap" },
        };
        using var response = await Http.PostAsync("api/campaigns", form);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /api/campaigns: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("campaignId").GetInt64();
    }

    /// <summary>The n-th contact's number: +1 415 2xx xxxx (NANP-valid exchanges 200–299).</summary>
    public static string Phone(int n) => $"+1415{2000000 + n:0000000}";

    /// <summary>Starts every campaign, <paramref name="parallel"/> requests at a time; throws on any refusal.</summary>
    public async Task StartAllAsync(IReadOnlyList<long> campaigns, int parallel)
    {
        await Parallel.ForEachAsync(campaigns, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (id, ct) =>
        {
            using var r = await Http.PostAsync($"api/campaigns/{id}/start", null, ct);
            if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"start {id}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync(ct)}");
        });
    }

    /// <summary>How many campaigns are in each status (one paged list request per status asked).</summary>
    public async Task<int> CountAsync(string status)
    {
        var page = await Http.GetFromJsonAsync<JsonElement>($"api/campaigns?status={status}&pageSize=1");
        return page.GetProperty("total").GetInt32();
    }

    public async Task<JsonElement> StatsAsync() => await Sim.GetFromJsonAsync<JsonElement>("_sim/stats");

    public async ValueTask DisposeAsync()
    {
        Sim.Dispose();
        await _app.DisposeAsync();
    }
}
