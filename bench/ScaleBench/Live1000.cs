using System.Diagnostics;
using AutoLynx.Bench;
using static AutoLynx.Bench.ProviderSchedule;

namespace ScaleBench;

/// <summary>
/// 1,000 live calls through the app: <paramref name="campaigns"/> campaigns × cap <paramref name="cap"/>, one phone line each
/// (line cap = campaign cap), account cap and simulator limit = campaigns × cap, time-compressed so that the live calls ask
/// for about 2,000 webhooks a second. Runs every campaign to COMPLETED, then judges by the simulator's clock.
/// </summary>
public static class Live1000
{
    public static async Task RunAsync(int campaigns, int cap, int contacts, double timeScale, double startsPerSecond)
    {
        var accountCap = campaigns * cap;
        var loadStart = LoadAverage();
        Console.WriteLine($"live1000: {campaigns} campaigns x cap {cap} = {accountCap} live calls (account cap and simulator limit {accountCap}), " +
                          $"{contacts} contacts each ({campaigns * contacts} calls), one line each (line cap {cap}), time scale {timeScale} " +
                          $"(mean call ~{100 * timeScale:0.##} s), Dialer:CallStartsPerSecond {startsPerSecond}, PostgreSQL (pool {ScaleRun.PoolSize}), {Environment.ProcessorCount} cores, " +
                          $"load average {loadStart}");
        await using var run = await ScaleRun.StartAsync(accountCap, timeScale, campaigns, cap, Math.Max(50_000, campaigns * contacts + 1000), startsPerSecond);
        var ids = new List<long>();
        for (var i = 0; i < campaigns; i++) ids.Add(await run.CreateCampaignAsync($"live {i}", run.Lines[i], cap, contacts, i * contacts));

        using var meters = new EngineMeters();
        var sampler = new Sampler(run, meters, () => run.CountAsync("COMPLETED"));
        var started = meters.Elapsed;
        var wall = Stopwatch.StartNew();
        await run.StartAllAsync(ids, campaigns);
        await sampler.RunUntilAsync(s => s.Completed == campaigns, TimeSpan.FromMinutes(30));
        var toCompleted = wall.Elapsed.TotalSeconds;
        while (run.Simulator.GetStats() is { Webhooks.Pending: > 0 }) await Task.Delay(200);
        var loadEnd = LoadAverage();

        var samples = sampler.Samples;
        // The window: every second with at least 95 % of the target live at the simulator (sampled at the second's end).
        var steady = samples.Where(s => s.Live >= 0.95 * accountCap).ToList();
        var (from, to) = steady.Count == 0 ? ((long)started, (long)samples[^1].At) : ((long)steady[0].At, (long)steady[^1].At);
        var stored = meters.PerSecond("autolynx.webhook.received", from, to);
        var perSecond = stored.Select(n => (double)n).Order().ToList();
        var sentFirst = samples.FirstOrDefault(s => (long)s.At >= from);
        var sentLast = samples.LastOrDefault(s => (long)s.At <= to);
        var windowSeconds = Math.Max(1, to - from);

        var calls = await ReadCallsAsync(run.Sim);
        var byCampaign = calls.GroupBy(c => c.CampaignId ?? "?").ToDictionary(g => g.Key, g => g.ToList());
        var ratios = new List<double>();
        var gaps = new List<double>();
        var ideal = 0.0;
        foreach (var (_, list) in byCampaign)
        {
            var idealC = IdealMakespan(list, cap);
            ideal = Math.Max(ideal, idealC);
            ratios.Add(Makespan(list) / idealC);
            gaps.AddRange(RefillGaps(list, cap));
        }
        ratios.Sort();
        gaps.Sort();
        var actual = Makespan(calls);
        var stats = await run.StatsAsync();
        var doubles = calls.GroupBy(c => (c.CustomerNumber, c.CampaignId)).Count(g => g.Count() > 1);
        var store = meters.Values("autolynx.webhook.store");
        var window = samples.Where(s => s.At >= from && s.At <= to).ToList();
        var cpu = window.Count < 2 ? double.NaN : (window[^1].CpuSeconds - window[0].CpuSeconds) / (window[^1].At - window[0].At);

        Console.WriteLine();
        Console.WriteLine("backlog over time (every 5 s; stored/s = webhooks the app stored in that interval; inbox = the app's autolynx.inbox.backlog gauge)");
        Console.WriteLine("     t s   live   stored/s   inbox rows   oldest s   sim pending   working set MB   heap MB   done");
        var last = samples[0];
        var lastAt = (long)started;
        foreach (var s in samples.Where((_, i) => i % 5 == 4 || i == samples.Count - 1))
        {
            var n = meters.PerSecond("autolynx.webhook.received", lastAt, (long)s.At).Sum() / (double)Math.Max(1, (long)s.At - lastAt);
            Console.WriteLine($"  {s.At - started,6:0}  {s.Live,5}  {n,9:0}  {s.InboxBacklog,11:0}  {s.InboxOldestAge,9:0.0}  {s.SimPending,12}  {s.WorkingSet / 1e6,15:0}  {s.ManagedHeap / 1e6,8:0}  {s.Completed,5}");
            lastAt = (long)s.At;
            last = s;
        }
        Console.WriteLine();
        Console.WriteLine(steady.Count == 0
            ? $"steady window                NONE: no second had >= {0.95 * accountCap:0} calls live (max {samples.Max(s => s.Live)}); figures below are over the whole run ({windowSeconds} s)"
            : $"steady window                {windowSeconds} s with >= {0.95 * accountCap:0} calls live at the simulator (t = {from - started:0}–{to - started:0} s)");
        Console.WriteLine($"webhook intake (stored)      {stored.Sum() / (double)windowSeconds:0}/s sustained   per second: min {Q(perSecond, 0):0}, median {Q(perSecond, 0.5):0}, max {Q(perSecond, 1):0}   target >= 2000/s");
        if (sentFirst is not null && sentLast is not null && sentLast.At > sentFirst.At)
            Console.WriteLine($"webhooks sent by simulator   {(sentLast.WebhooksSent - sentFirst.WebhooksSent) / (sentLast.At - sentFirst.At):0}/s over the same window");
        Console.WriteLine($"intake latency (received -> stored, autolynx.webhook.store)  p50 {Q(store, 0.5):0.0} ms  p95 {Q(store, 0.95):0.0} ms  p99 {Q(store, 0.99):0.0} ms  max {Q(store, 1):0} ms  (n={store.Count})  target p99 < 50 ms");
        Console.WriteLine($"inbox backlog (app gauge)    max {samples.Max(s => s.InboxBacklog):0} rows, oldest max {samples.Max(s => s.InboxOldestAge):0.0} s; simulator pending max {samples.Max(s => s.SimPending)}");
        Console.WriteLine($"makespan actual / ideal      {actual:0.00} s / {ideal:0.00} s  -> ratio {actual / ideal:0.000}   target <= 1.02   (ideal: zero-latency list schedule per campaign, cap {cap}, all starting together)");
        Console.WriteLine($"makespan ratio per campaign  min {Q(ratios, 0):0.000}  median {Q(ratios, 0.5):0.000}  max {Q(ratios, 1):0.000}");
        Console.WriteLine($"refill gap (per campaign)    p50 {Q(gaps, 0.5):0} ms  p95 {Q(gaps, 0.95):0} ms  p99 {Q(gaps, 0.99):0} ms  mean {(gaps.Count == 0 ? 0 : gaps.Average()):0.0} ms  (n={gaps.Count})");
        Console.WriteLine($"calls                        {calls.Count} placed (contacts {campaigns * contacts}), mean duration {calls.Where(c => c.Ended is not null).Average(c => (c.Ended!.Value - c.Created).TotalMilliseconds):0} ms, " +
                          $"start -> all COMPLETED {toCompleted:0.0} s");
        Console.WriteLine($"cap (/_sim/stats)            max concurrent {stats.GetProperty("maxConcurrentAccount").GetInt32()} (limit {accountCap}), over the limit: " +
                          $"blocked {stats.GetProperty("concurrencyBlocked").GetInt32()}, rejected {stats.GetProperty("concurrencyRejected").GetInt32()}; " +
                          $"max per line {stats.GetProperty("maxConcurrentByPhoneNumber").EnumerateObject().Max(p => p.Value.GetInt32())} (line cap {cap})");
        Console.WriteLine($"double dials                 {doubles} (a customer number called twice in one campaign, from /_sim/calls)");
        Console.WriteLine($"process (app + simulator + this bench)  {cpu:0.00} cores busy in the window; working set peak {samples.Max(s => s.WorkingSet) / 1e6:0} MB, " +
                          $"managed heap peak {samples.Max(s => s.ManagedHeap) / 1e6:0} MB; {stats.GetProperty("retainedCalls").GetInt32()} calls kept by the simulator for /_sim/calls");
        Console.WriteLine($"load average                 start {loadStart}, end {loadEnd}");
        meters.PrintStages(Console.Out);
    }
}
