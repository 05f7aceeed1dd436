// Engine benchmark: makespan ratio against a zero-latency dialer, start → first POST latency, and
// webhook → SSE latency. Runs the real app (Kestrel, SQLite, in-process simulator) twice: with wake-ups,
// and tick-only (the 60 s cron design, scaled by the same time scale).
//   dotnet run -c Release --project bench/EngineBench -- [contacts=500] [cap=10] [timeScale=0.01] [both|wake|tick]
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
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

static string LoadAverage()
{
    try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
    catch (IOException) { return "?"; }
}

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
    var stages = new ConcurrentDictionary<string, ConcurrentBag<double>>();
    using var listener = new MeterListener();
    listener.InstrumentPublished = (instrument, l) =>
    {
        if (instrument.Meter.Name == "AutoLynx.Engine") l.EnableMeasurementEvents(instrument);
    };
    listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => stages.GetOrAdd(instrument.Name, _ => []).Add(value));
    listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => stages.GetOrAdd(instrument.Name, _ => []).Add(value));
    listener.Start();
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
    var calls = (await sim.GetFromJsonAsync<JsonElement>("_sim/calls")).EnumerateArray().Select(c => new
    {
        Id = c.GetProperty("id").GetString()!,
        Created = c.GetProperty("createdAt").GetDateTime().ToUniversalTime(),
        Ended = c.GetProperty("timeline").EnumerateArray().Where(t => t.GetProperty("status").GetString() == "ended")
            .Select(t => t.GetProperty("at").GetDateTime().ToUniversalTime()).DefaultIfEmpty().First(),
        Timeline = c.GetProperty("timeline").EnumerateArray().Select(t => (Status: t.GetProperty("status").GetString()!, At: t.GetProperty("at").GetDateTime().ToUniversalTime())).ToList(),
        Request = c.GetProperty("request"),
    }).OrderBy(c => c.Created).ToList();
    var actual = (calls.Max(c => c.Ended) - calls.Min(c => c.Created)).TotalSeconds;

    // The best any dialer that cannot know durations in advance can do: each call starts the instant a slot frees.
    var slots = new PriorityQueue<double, double>();
    for (var i = 0; i < cap; i++) slots.Enqueue(0, 0);
    var ideal = 0.0;
    foreach (var c in calls)
    {
        var free = slots.Dequeue();
        var end = free + (c.Ended - c.Created).TotalSeconds;
        ideal = Math.Max(ideal, end);
        slots.Enqueue(end, end);
    }
    var ratio = actual / ideal;

    // Refill gap on the provider's clock: with every slot busy, the k-th call placed after the first `cap` refills
    // the slot freed by the k-th call to end. Its gap = its creation − that end (what the ideal schedule takes as 0).
    var ends = calls.Select(c => c.Ended).Order().ToList();
    var creates = calls.Select(c => c.Created).Order().ToList();
    var gaps = new List<double>();
    for (var k = cap; k < creates.Count; k++) gaps.Add((creates[k] - ends[k - cap]).TotalMilliseconds);
    gaps.Sort();
    var firstPost = (calls[0].Created - startedAt).TotalMilliseconds;

    // Webhook → SSE: the simulator's status-change time vs when the SSE client saw our status for that call.
    var ourIds = calls.ToDictionary(c => c.Id, c => long.Parse(c.Request.GetProperty("customer").GetProperty("externalId").GetString()!, CultureInfo.InvariantCulture));
    var latencies = new List<double>();
    foreach (var c in calls)
    {
        var ended = c.Timeline.FirstOrDefault(t => t.Status == "ended");
        if (ended == default) continue;
        var seen = sse.Where(e => e.CallId == ourIds[c.Id] && e.Status is "ENDED" or "FAILED").Select(e => e.At).DefaultIfEmpty().Min();
        if (seen != default) latencies.Add((seen - ended.At).TotalMilliseconds);
    }
    latencies.Sort();
    double P(double q) => latencies.Count == 0 ? double.NaN : latencies[(int)Math.Min(latencies.Count - 1, Math.Round(q * (latencies.Count - 1)))];

    Console.WriteLine();
    Console.WriteLine($"-- {(wakeUps ? "with wake-ups" : "tick-only (tick = 60 s x time scale)")}");
    Console.WriteLine($"calls placed                 {calls.Count} (contacts {contacts})");
    Console.WriteLine($"makespan actual / ideal      {actual:0.00} s / {ideal:0.00} s  -> ratio {ratio:0.000}");
    Console.WriteLine($"start -> first POST /call    {firstPost:0} ms");
    Console.WriteLine($"webhook -> SSE (call ended)  p50 {P(0.5):0} ms  p95 {P(0.95):0} ms  p99 {P(0.99):0} ms  (n={latencies.Count})");
    Console.WriteLine($"refill gap (slot freed at the provider -> next call created there)  p50 {Q(gaps, 0.5):0} ms  p95 {Q(gaps, 0.95):0} ms  " +
                      $"p99 {Q(gaps, 0.99):0} ms  mean {(gaps.Count == 0 ? 0 : gaps.Average()):0.0} ms  (n={gaps.Count})");
    Console.WriteLine($"mean call duration           {calls.Average(c => (c.Ended - c.Created).TotalMilliseconds):0} ms (created -> ended at the provider)");
    Console.WriteLine($"wall clock                   {clock.Elapsed.TotalSeconds:0.0} s, load average {LoadAverage()}");
    listener.Dispose();
    Console.WriteLine("per stage inside the app (ms)                      n       p50      p95      p99     mean");
    foreach (var (name, values) in stages.OrderBy(x => StageOrder(x.Key)))
    {
        var v = values.ToList();
        v.Sort();
        Console.WriteLine($"  {name,-44} {v.Count,6} {Q(v, 0.5),9:0.0} {Q(v, 0.95),8:0.0} {Q(v, 0.99),8:0.0} {v.Average(),8:0.0}");
    }
    return ratio;
}

static double Q(List<double> sorted, double q) => sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, Math.Round(q * (sorted.Count - 1)))];

static int StageOrder(string name) => Array.IndexOf(new[]
{
    "autolynx.webhook.store", "autolynx.db.write_gate_wait", "autolynx.inbox.lag", "autolynx.inbox.apply", "autolynx.inbox.batch_size",
    "autolynx.dispatch.wake_lag", "autolynx.dispatch.room", "autolynx.dispatch.claim", "autolynx.dispatch.refill", "autolynx.launch.post", "autolynx.launch.accept",
}, name) is var i and >= 0 ? i : 99;
