using System.Diagnostics;
using System.Text.Json;
using AutoLynx.Bench;
using static AutoLynx.Bench.ProviderSchedule;

namespace ScaleBench;

/// <summary>
/// <paramref name="campaigns"/> campaigns of <paramref name="contacts"/> contacts (caps 1 to 5 in turn) started together
/// under one account cap that their caps exceed many times over. Judged by the simulator: every contact called once,
/// never more calls live than the account cap, every campaign COMPLETED.
/// </summary>
public static class Campaigns1000
{
    public static async Task RunAsync(int campaigns, int contacts, int accountCap, double timeScale, int lines, double startsPerSecond)
    {
        var caps = Enumerable.Range(0, campaigns).Select(i => 1 + i % 5).ToList();
        Console.WriteLine($"campaigns1000: {campaigns} campaigns x {contacts} contacts ({campaigns * contacts} calls), caps 1–5 (sum {caps.Sum()}), " +
                          $"account cap = simulator limit = {accountCap}, {lines} lines (line cap {accountCap}), time scale {timeScale} (mean call ~{100 * timeScale:0.##} s), " +
                          $"Dialer:CallStartsPerSecond {startsPerSecond}, PostgreSQL (pool {ScaleRun.PoolSize}), {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        await using var run = await ScaleRun.StartAsync(accountCap, timeScale, lines, accountCap, campaigns * contacts + 1000, startsPerSecond);
        var create = Stopwatch.StartNew();
        var ids = new long[campaigns];
        await Parallel.ForEachAsync(Enumerable.Range(0, campaigns), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
            ids[i] = await run.CreateCampaignAsync($"many {i}", run.Lines[i % lines], caps[i], contacts, i * contacts));
        Console.WriteLine($"created {campaigns} campaigns in {create.Elapsed.TotalSeconds:0.0} s");

        using var meters = new EngineMeters();
        var sampler = new Sampler(run, meters, () => run.CountAsync("COMPLETED"));
        var wall = Stopwatch.StartNew();
        await run.StartAllAsync(ids, 16);
        var startedIn = wall.Elapsed.TotalSeconds;
        TimeoutException? timedOut = null;
        try { await sampler.RunUntilAsync(s => s.Completed == campaigns, TimeSpan.FromMinutes(40)); }
        catch (TimeoutException ex) { timedOut = ex; }
        var toCompleted = wall.Elapsed.TotalSeconds;
        while (run.Simulator.GetStats() is { Webhooks.Pending: > 0, ActiveCalls: > 0 }) await Task.Delay(200);
        var loadEnd = LoadAverage();

        var samples = sampler.Samples;
        Console.WriteLine();
        Console.WriteLine("progress (every 10 s)");
        Console.WriteLine("     t s   live   completed   inbox rows   sim pending   working set MB");
        foreach (var s in samples.Where((_, i) => i % 10 == 9 || i == samples.Count - 1))
            Console.WriteLine($"  {wall.Elapsed.TotalSeconds - (samples[^1].At - s.At),6:0}  {s.Live,5}  {s.Completed,10}  {s.InboxBacklog,11:0}  {s.SimPending,12}  {s.WorkingSet / 1e6,15:0}");

        var stats = await run.StatsAsync();
        var calls = await ReadCallsAsync(run.Sim);
        var byNumber = stats.GetProperty("callsByCustomerNumber").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        var numbers = Enumerable.Range(0, campaigns * contacts).Select(ScaleRun.Phone).ToList();
        var twice = numbers.Count(n => byNumber.GetValueOrDefault(n) > 1);
        var never = numbers.Count(n => byNumber.GetValueOrDefault(n) == 0);
        var doubles = calls.GroupBy(c => (c.CustomerNumber, c.CampaignId)).Count(g => g.Count() > 1);
        var statuses = new Dictionary<string, int>();
        foreach (var status in new[] { "COMPLETED", "RUNNING", "QUEUED", "PAUSED", "STOPPED" }) statuses[status] = await run.CountAsync(status);
        var maxConcurrent = stats.GetProperty("maxConcurrentAccount").GetInt32();

        Console.WriteLine();
        if (timedOut is not null) Console.WriteLine($"NOT COMPLETED: {timedOut.Message}");
        Console.WriteLine($"start POSTs                  {campaigns} in {startedIn:0.0} s (16 at a time)");
        Console.WriteLine($"time to all COMPLETED        {toCompleted:0.0} s from the first start POST   ({calls.Count / toCompleted:0} calls/s)");
        Console.WriteLine($"campaigns completed          {statuses["COMPLETED"]} of {campaigns}   (" + string.Join(", ", statuses.Where(s => s.Key != "COMPLETED").Select(s => $"{s.Key.ToLowerInvariant()} {s.Value}")) + ")");
        Console.WriteLine($"max concurrent (/_sim/stats) {maxConcurrent} (account cap {accountCap}) -> {(maxConcurrent <= accountCap ? "held" : "BREACHED")}");
        Console.WriteLine($"calls over the limit         blocked {stats.GetProperty("concurrencyBlocked").GetInt32()}, rejected {stats.GetProperty("concurrencyRejected").GetInt32()}");
        Console.WriteLine($"double dials                 {twice} numbers called more than once (/_sim/stats, every call since the start); " +
                          $"{doubles} (number, campaign) pairs twice in /_sim/calls ({calls.Count} calls kept)");
        Console.WriteLine($"contacts never called        {never} of {numbers.Count}");
        Console.WriteLine($"calls                        {stats.GetProperty("totalCalls").GetInt32()} created at the simulator, mean duration " +
                          $"{calls.Where(c => c.Ended is not null).Select(c => (c.Ended!.Value - c.Created).TotalMilliseconds).DefaultIfEmpty().Average():0} ms");
        Console.WriteLine($"inbox backlog (app gauge)    max {samples.Max(s => s.InboxBacklog):0} rows; working set peak {samples.Max(s => s.WorkingSet) / 1e6:0} MB, managed heap peak {samples.Max(s => s.ManagedHeap) / 1e6:0} MB");
        Console.WriteLine($"load average at the end      {loadEnd}");
        meters.PrintStages(Console.Out);
    }
}
