using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using AutoLynx.VapiSimulator;

namespace AutoLynx.SimulatorBench;

/// <summary>
/// Can the simulator hold 1,000 concurrent calls and deliver 2,000 webhooks/s on this machine?
/// Phase 1 (hold): creates N calls as fast as POST /call allows, with a time scale long enough that none ends,
/// and reads the high-water mark from /_sim/stats. Phase 2 (sustain): keeps N calls live, dialling a new call
/// whenever a status-update "ended" arrives, with a time scale short enough that calls churn, and measures the
/// webhooks the receiver gets per second, their delivery latency, and errors.
/// Usage: dotnet run -c Release --project bench/SimulatorBench -- [--calls 1000] [--seconds 20] [--warmup 5]
///        [--time-scale 0.02] [--hold-time-scale 20] [--dialers 64] [--seed 42] [--hmac]
/// (--hmac also signs every webhook with HMAC-SHA256, as an HMAC credential would).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var settings = Settings.Parse(args);
        Console.WriteLine($"AutoLynx simulator bench: {Environment.ProcessorCount} cores, .NET {Environment.Version}, " +
            $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC, load average {LoadAverage()}");
        Console.WriteLine($"settings: {settings}");

        await using var receiver = await BenchReceiver.StartAsync();
        var options = new SimulatorOptions
        {
            TimeScale = settings.HoldTimeScale,
            Seed = settings.Seed,
            ConcurrencyLimit = settings.Calls,
            ConcurrencyLimitBehavior = "400", // going over the limit would show as errors, not as blocked calls
            WebhookUrl = receiver.Url.ToString(),
            WebhookSecret = "bench-secret",
            WebhookHmacSecret = settings.Hmac ? "bench-hmac-secret" : null,
        };
        await using var simulator = await VapiSimulatorHost.StartAsync(options);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, UseProxy = false })
        {
            BaseAddress = simulator.BaseUrl,
            Timeout = TimeSpan.FromSeconds(60),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        var assistantId = await CreateAssistantAsync(http);
        var dialer = new Dialer(http, assistantId, simulator.PhoneNumbers[0].Id);

        var hold = await HoldAsync(settings, simulator, dialer);
        await http.PostAsync("/_sim/reset", null);
        await Task.Delay(500); // cancelled flows wind down
        var sustain = await SustainAsync(settings, simulator, receiver, dialer, http);

        Console.WriteLine();
        Console.WriteLine(hold);
        Console.WriteLine(sustain);
        return 0;
    }

    private static async Task<string> HoldAsync(Settings settings, VapiSimulatorHost simulator, Dialer dialer)
    {
        var watch = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, settings.Dialers).Select(async worker =>
        {
            var errors = 0;
            for (var i = worker; i < settings.Calls; i += settings.Dialers)
            {
                errors += await dialer.DialAsync() ? 0 : 1;
            }

            return errors;
        }));
        var elapsed = watch.Elapsed.TotalSeconds;
        var stats = simulator.GetStats();
        return new StringBuilder()
            .AppendLine($"Phase 1 — hold: {settings.Calls} calls, TimeScale {settings.HoldTimeScale} (none ends during the phase)")
            .AppendLine($"  calls created: {stats.TotalCalls} in {elapsed:0.00} s = {settings.Calls / elapsed:0} calls/s")
            .AppendLine($"  max concurrent (/_sim/stats): account {stats.MaxConcurrentAccount}, " +
                $"line {stats.MaxConcurrentByPhoneNumber.Values.DefaultIfEmpty().Max()}; active at end {stats.ActiveCalls}")
            .AppendLine($"  errors: POST /call {results.Sum()}, over limit {stats.ConcurrencyRejected + stats.ConcurrencyBlocked}")
            .ToString();
    }

    private static async Task<string> SustainAsync(Settings settings, VapiSimulatorHost simulator, BenchReceiver receiver, Dialer dialer, HttpClient http)
    {
        var put = await http.PutAsync("/_sim/config", new StringContent(
            $"{{\"timeScale\":{settings.TimeScale.ToString(CultureInfo.InvariantCulture)}}}", Encoding.UTF8, "application/json"));
        put.EnsureSuccessStatusCode();

        var slots = Channel.CreateUnbounded<bool>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
        receiver.Reset();
        dialer.ResetCounters();
        receiver.OnCallEnded = () => slots.Writer.TryWrite(true);
        for (var i = 0; i < settings.Calls; i++)
        {
            slots.Writer.TryWrite(true);
        }

        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, settings.Dialers).Select(worker => Task.Run(async () =>
        {
            try
            {
                while (await slots.Reader.WaitToReadAsync(stop.Token))
                {
                    while (!stop.IsCancellationRequested && slots.Reader.TryRead(out _))
                    {
                        await dialer.DialAsync(receiver.SecondNow);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        })).ToArray();

        // Measure from the end of the warm-up (the first wave of 1,000 simultaneous dials) to the end of the run.
        var from = settings.Warmup;
        var to = settings.Warmup + settings.Seconds;
        while (receiver.SecondNow < from)
        {
            await Task.Delay(50);
        }

        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var wallBefore = Stopwatch.GetTimestamp();
        var gcBefore = GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2);
        var maxPending = 0L;
        while (receiver.SecondNow < to)
        {
            maxPending = Math.Max(maxPending, simulator.GetStats().Webhooks.Pending);
            await Task.Delay(100);
        }

        process.Refresh();
        var cores = (process.TotalProcessorTime - cpuBefore).TotalSeconds / Stopwatch.GetElapsedTime(wallBefore).TotalSeconds;
        var gcs = GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2) - gcBefore;
        var workingSetMb = process.WorkingSet64 / 1024.0 / 1024.0;
        var atStop = simulator.GetStats();
        await stop.CancelAsync();
        receiver.OnCallEnded = null;
        await Task.WhenAll(workers);

        // Drain: every live call runs to its end and every webhook goes out (reports follow the end by 2–5 s nominal).
        var drain = Stopwatch.StartNew();
        await WaitUntilAsync(() => simulator.GetStats() is { ActiveCalls: 0, Webhooks.Pending: 0 });
        await Task.Delay(TimeSpan.FromSeconds(5 * settings.TimeScale + 0.2));
        await WaitUntilAsync(() => simulator.GetStats().Webhooks.Pending == 0);
        var drained = drain.Elapsed.TotalSeconds;
        var final = simulator.GetStats();
        var heapMb = GC.GetTotalMemory(forceFullCollection: true) / 1024.0 / 1024.0;
        var perSecond = receiver.PerSecond(from, to);
        var webhooksPerSecond = perSecond.Sum() / (double)settings.Seconds;
        var callsPerSecond = dialer.CreatedIn(from, to) / (double)settings.Seconds;
        var latencies = receiver.Latencies(from, to);
        return new StringBuilder()
            .AppendLine($"Phase 2 — sustain: {settings.Calls} live calls kept up for {settings.Seconds} s after a {settings.Warmup} s warm-up, TimeScale {settings.TimeScale}")
            .AppendLine($"  calls created: {callsPerSecond:0} calls/s ({dialer.Created} in all)")
            .AppendLine($"  webhooks delivered: {webhooksPerSecond:0}/s sustained (per second: min {perSecond.Min()}, " +
                $"median {Median(perSecond)}, max {perSecond.Max()})")
            .AppendLine($"  delivery latency (receiver time − message.timestamp): p50 {Percentile(latencies, 0.50):0.0} ms, " +
                $"p95 {Percentile(latencies, 0.95):0.0} ms, p99 {Percentile(latencies, 0.99):0.0} ms, max {latencies.DefaultIfEmpty().Max():0.0} ms " +
                $"({latencies.Length} samples)")
            .AppendLine($"  max concurrent (/_sim/stats): account {atStop.MaxConcurrentAccount}; webhooks pending in the simulator: max {maxPending}")
            .AppendLine($"  errors: POST /call {dialer.Errors} ({dialer.ErrorSummary()}), webhooks failed {final.Webhooks.Failed}, " +
                $"over limit {final.ConcurrencyRejected + final.ConcurrencyBlocked}, unreadable {receiver.Unreadable}, " +
                $"lost {final.Webhooks.Sent - receiver.Received} (simulator sent {final.Webhooks.Sent}, receiver got {receiver.Received})")
            .AppendLine($"  after the dialling stopped, the last calls ended and every webhook went out within {drained:0.0} s")
            .AppendLine($"  process: {cores:0.00} cores busy during the window, {gcs} GCs, working set {workingSetMb:0} MB, " +
                $"{final.TotalCalls} calls kept for /_sim/calls, heap after a full GC {heapMb:0} MB " +
                $"(≈ {heapMb * 1024 / Math.Max(1, final.TotalCalls):0.0} KB per call)")
            .ToString();
    }

    private static async Task<string> CreateAssistantAsync(HttpClient http)
    {
        var assistant = new JsonObject
        {
            ["name"] = "Bench outbound",
            ["firstMessage"] = "Hi {{name}}, this is Sam from Lynx. Do you have a minute?",
            ["model"] = new JsonObject { ["provider"] = "openai", ["model"] = "gpt-4.1" },
            ["voice"] = new JsonObject { ["provider"] = "11labs", ["voiceId"] = "21m00Tcm4TlvDq8ikWAM" },
        };
        var response = await http.PostAsync("/assistant", new StringContent(assistant.ToJsonString(), Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
    }

    private static async Task WaitUntilAsync(Func<bool> done)
    {
        var deadline = Stopwatch.StartNew();
        while (!done() && deadline.Elapsed < TimeSpan.FromSeconds(120))
        {
            await Task.Delay(50);
        }
    }

    private static double Percentile(float[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static long Median(long[] values) => values.Length == 0 ? 0 : values.Order().ElementAt(values.Length / 2);

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }

    /// <summary>POST /call the way the app does it: assistantId, phoneNumberId, customer, overrides with our ids.</summary>
    private sealed class Dialer(HttpClient http, string assistantId, string phoneNumberId)
    {
        private readonly long[] _createdPerSecond = new long[36_000];
        private readonly Dictionary<string, int> _errors = [];
        private long _next;
        private long _created;
        private long _failed;

        public long Created => Interlocked.Read(ref _created);

        public long Errors => Interlocked.Read(ref _failed);

        public void ResetCounters()
        {
            Array.Clear(_createdPerSecond);
            Interlocked.Exchange(ref _created, 0);
            Interlocked.Exchange(ref _failed, 0);
            lock (_errors)
            {
                _errors.Clear();
            }
        }

        public long CreatedIn(int from, int to) => _createdPerSecond[from..to].Sum();

        public string ErrorSummary()
        {
            lock (_errors)
            {
                return _errors.Count == 0 ? "none" : string.Join(", ", _errors.Select(e => $"{e.Key}×{e.Value}"));
            }
        }

        public async Task<bool> DialAsync(int second = 0)
        {
            var n = Interlocked.Increment(ref _next);
            var callId = n.ToString(CultureInfo.InvariantCulture);
            var body = $$$"""
                {"assistantId":"{{{assistantId}}}","phoneNumberId":"{{{phoneNumberId}}}",
                 "customer":{"number":"+1{{{2_000_000_000 + n}}}","name":"Contact {{{callId}}}","externalId":"{{{callId}}}"},
                 "assistantOverrides":{"variableValues":{"name":"Contact {{{callId}}}","business_name":"Bench Bakery"},
                  "metadata":{"campaignId":"bench","callId":"{{{callId}}}","launchKey":"bench-{{{callId}}}"} } }
                """;
            try
            {
                using var response = await http.PostAsync("/call", new StringContent(body, Encoding.UTF8, "application/json"));
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    Interlocked.Increment(ref _created);
                    if (second < _createdPerSecond.Length)
                    {
                        Interlocked.Increment(ref _createdPerSecond[second]);
                    }

                    return true;
                }

                Fail(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Fail(ex.GetType().Name);
            }

            return false;
        }

        private void Fail(string what)
        {
            Interlocked.Increment(ref _failed);
            lock (_errors)
            {
                _errors[what] = _errors.GetValueOrDefault(what) + 1;
            }
        }
    }

    private sealed record Settings(int Calls, int Seconds, int Warmup, double TimeScale, double HoldTimeScale, int Dialers, int Seed, bool Hmac)
    {
        public static Settings Parse(string[] args)
        {
            string? Arg(string name)
            {
                var i = Array.IndexOf(args, name);
                return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
            }

            double Number(string name, double fallback) =>
                Arg(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

            return new Settings(
                (int)Number("--calls", 1000),
                (int)Number("--seconds", 20),
                (int)Number("--warmup", 5),
                Number("--time-scale", 0.02),
                Number("--hold-time-scale", 20),
                (int)Number("--dialers", 64),
                (int)Number("--seed", 42),
                args.Contains("--hmac"));
        }
    }
}
