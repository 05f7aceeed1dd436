// Engine benchmark: makespan ratio against a zero-latency dialer, start → first POST latency, and
// webhook → SSE latency. Runs the real app (Kestrel, SQLite, in-process simulator) twice: with wake-ups,
// and tick-only (the 60 s cron design, scaled by the same time scale).
//   dotnet run -c Release --project bench/EngineBench -- [contacts=500] [cap=10] [timeScale=0.01] [both|wake|tick]
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AutoLynx.Bench;
using AutoLynx.Features.Demo;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

var contacts = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500;
var cap = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
var timeScale = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 0.01;
var modes = args.Length > 3 ? args[3] : "both";

Console.WriteLine($"AutoLynx engine bench: {contacts} contacts, cap {cap}, time scale {timeScale} (1 s of call = {timeScale * 1000:0.#} ms), " +
                  $"{Environment.ProcessorCount} cores, load average {LoadAverage()}");
double? withWakeUps = modes is "both" or "wake" ? await RunAsync(wakeUps: true) : null;
double? tickOnly = modes is "both" or "tick" ? await RunAsync(wakeUps: false) : null;
Console.WriteLine();
if (withWakeUps is { } w) Console.WriteLine($"makespan ratio (wake-ups):  {w:0.000}   target <= 1.01");
if (tickOnly is { } t) Console.WriteLine($"makespan ratio (tick-only): {t:0.000}");
Console.WriteLine($"load average at the end: {LoadAverage()}");

static string LoadAverage() => ProviderSchedule.LoadAverage();

async Task<double> RunAsync(bool wakeUps)
{
    var db = Path.Combine(Path.GetTempPath(), $"autolynx-bench-{Guid.NewGuid():N}.db");
    var token = "alx_bench_" + Guid.NewGuid().ToString("N");
    await using var factory = new WebApplicationFactory<AutoLynx.VapiOptions>().WithWebHostBuilder(b =>
    {
        b.UseEnvironment("Development");
        b.UseSolutionRelativeContentRoot("src/AutoLynx", "AutoLynx.slnx");
        b.UseSetting("urls", "http://127.0.0.1:0");
        b.UseSetting("ConnectionStrings:Default", $"Data Source={db}");
        b.UseSetting("Simulator:TimeScale", timeScale.ToString(CultureInfo.InvariantCulture));
        b.UseSetting("Simulator:Seed", "2026");
        b.UseSetting("Simulator:ConcurrencyLimit", Math.Max(10, cap).ToString(CultureInfo.InvariantCulture));
        b.UseSetting("Dialer:AccountCap", Math.Max(10, cap).ToString(CultureInfo.InvariantCulture));
        b.UseSetting("Dialer:WakeUps", wakeUps ? "true" : "false");
        // One attempt per contact: the makespan is compared with a schedule of the same calls (no retries).
        b.UseSetting("Compliance:DefaultRetry:MaxAttempts", "1");
        // The original design ticks every 60 s; compress that like every other duration.
        b.UseSetting("Dialer:TickSeconds", wakeUps ? "60" : (60 * timeScale).ToString(CultureInfo.InvariantCulture));
        b.UseSetting("Logging:LogLevel:Default", "Warning");
        b.UseSetting("Auth:BootstrapApiToken", token); // the bench drives the API as an admin's automation would
    });
    factory.UseKestrel();
    factory.StartServer();

    // The app's per-stage timings (meter AutoLynx.Engine), gathered while the campaign runs.
    using var meters = new EngineMeters();
    var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    using var http = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(5) };
    http.DefaultRequestHeaders.Authorization = new("Bearer", token);
    using var sim = new HttpClient { BaseAddress = factory.Services.GetRequiredService<DemoEnvironment>().Simulator!.BaseUrl };

    var csv = new StringBuilder("name,business_name,phone\n");
    for (var i = 0; i < contacts; i++) csv.Append(CultureInfo.InvariantCulture, $"Person {i},Business {i},+1415{2000000 + i:0000000}\n");
    var assistants = await http.GetFromJsonAsync<JsonElement>("api/assistants");
    var lines = await http.GetFromJsonAsync<JsonElement>("api/phone-lines");
    using var form = new MultipartFormDataContent
    {
        { new ByteArrayContent(Encoding.UTF8.GetBytes(csv.ToString())), "file", "bench.csv" },
        { new StringContent("bench"), "name" },
        { new StringContent(assistants[0].GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture)), "assistantId" },
        { new StringContent(lines[0].GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture)), "phoneLineId" },
        { new StringContent(cap.ToString(CultureInfo.InvariantCulture)), "cap" },
    };
    var created = await (await http.PostAsync("api/campaigns", form)).Content.ReadFromJsonAsync<JsonElement>();
    var id = created.GetProperty("campaignId").GetInt64();

    // Listen to the SSE stream to time webhook → event delivery.
    var sse = new List<(long CallId, string Status, DateTime At)>();
    using var sseCts = new CancellationTokenSource();
    var sseTask = Task.Run(async () =>
    {
        using var resp = await http.GetAsync($"api/campaigns/{id}/events", HttpCompletionOption.ResponseHeadersRead, sseCts.Token);
        using var reader = new StreamReader(await resp.Content.ReadAsStreamAsync(sseCts.Token));
        while (!sseCts.IsCancellationRequested && await reader.ReadLineAsync(sseCts.Token) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            var e = JsonDocument.Parse(line[6..]).RootElement;
            if (e.GetProperty("kind").GetString() == "call")
                lock (sse) sse.Add((e.GetProperty("callId").GetInt64(), e.GetProperty("status").GetString()!, DateTime.UtcNow));
        }
    });
    await Task.Delay(300);

    var startedAt = DateTime.UtcNow;
    var clock = Stopwatch.StartNew();
    await http.PostAsync($"api/campaigns/{id}/start", null);
    while (true)
    {
        var s = await http.GetFromJsonAsync<JsonElement>($"api/campaigns/{id}");
        if (s.GetProperty("status").GetString() == "COMPLETED") break;
        if (clock.Elapsed > TimeSpan.FromMinutes(20)) throw new TimeoutException("campaign did not complete");
        await Task.Delay(200);
    }
    await sseCts.CancelAsync();
    try { await sseTask; } catch (OperationCanceledException) { }

    // Judge by the simulator's clock: when each call was created and when it ended.
    var calls = await ProviderSchedule.ReadCallsAsync(sim);
    var actual = ProviderSchedule.Makespan(calls);
    var ideal = ProviderSchedule.IdealMakespan(calls, cap);
    var ratio = actual / ideal;
    var gaps = ProviderSchedule.RefillGaps(calls, cap);
    var firstPost = (calls[0].Created - startedAt).TotalMilliseconds;

    // Webhook → SSE: the simulator's status-change time vs when the SSE client saw our status for that call.
    var latencies = new List<double>();
    foreach (var c in calls)
    {
        var ended = c.Timeline.FirstOrDefault(t => t.Status == "ended");
        if (ended == default) continue;
        var seen = sse.Where(e => e.CallId == c.OurCallId && e.Status is "ENDED" or "FAILED").Select(e => e.At).DefaultIfEmpty().Min();
        if (seen != default) latencies.Add((seen - ended.At).TotalMilliseconds);
    }
    latencies.Sort();
    double P(double q) => Q(latencies, q);

    Console.WriteLine();
    Console.WriteLine($"-- {(wakeUps ? "with wake-ups" : "tick-only (tick = 60 s x time scale)")}");
    Console.WriteLine($"calls placed                 {calls.Count} (contacts {contacts})");
    Console.WriteLine($"makespan actual / ideal      {actual:0.00} s / {ideal:0.00} s  -> ratio {ratio:0.000}");
    Console.WriteLine($"start -> first POST /call    {firstPost:0} ms");
    Console.WriteLine($"webhook -> SSE (call ended)  p50 {P(0.5):0} ms  p95 {P(0.95):0} ms  p99 {P(0.99):0} ms  (n={latencies.Count})");
    Console.WriteLine($"refill gap (slot freed at the provider -> next call created there)  p50 {Q(gaps, 0.5):0} ms  p95 {Q(gaps, 0.95):0} ms  " +
                      $"p99 {Q(gaps, 0.99):0} ms  mean {(gaps.Count == 0 ? 0 : gaps.Average()):0.0} ms  (n={gaps.Count})");
    Console.WriteLine($"mean call duration           {calls.Where(c => c.Ended is not null).Average(c => (c.Ended!.Value - c.Created).TotalMilliseconds):0} ms (created -> ended at the provider)");
    Console.WriteLine($"wall clock                   {clock.Elapsed.TotalSeconds:0.0} s, load average {LoadAverage()}");
    meters.PrintStages(Console.Out);
    return ratio;
}

static double Q(List<double> sorted, double q) => ProviderSchedule.Q(sorted, q);
