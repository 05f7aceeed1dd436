using System.Diagnostics;
using AutoLynx.Bench;

namespace ScaleBench;

/// <summary>One second of a run: the simulator's view, the app's inbox gauges, the process's memory and CPU.</summary>
public sealed record Sample(double At, int Live, long WebhooksSent, long SimPending, double InboxBacklog, double InboxOldestAge,
    long WorkingSet, long ManagedHeap, double CpuSeconds, int Completed);

/// <summary>Samples a run every second until told to stop.</summary>
public sealed class Sampler(ScaleRun run, EngineMeters meters, Func<Task<int>> completed)
{
    public List<Sample> Samples { get; } = [];

    public async Task RunUntilAsync(Func<Sample, bool> done, TimeSpan timeout)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();
        var process = Process.GetCurrentProcess();
        while (await timer.WaitForNextTickAsync())
        {
            var stats = run.Simulator.GetStats();
            var gauges = meters.ReadGauges();
            process.Refresh();
            var s = new Sample(meters.Elapsed, stats.ActiveCalls, stats.Webhooks.Sent, stats.Webhooks.Pending,
                gauges.GetValueOrDefault("autolynx.inbox.backlog"), gauges.GetValueOrDefault("autolynx.inbox.oldest_age"),
                Environment.WorkingSet, GC.GetTotalMemory(false), process.TotalProcessorTime.TotalSeconds, await completed());
            Samples.Add(s);
            if (done(s)) return;
            if (clock.Elapsed > timeout) throw new TimeoutException($"not done after {timeout}: last sample {s}");
        }
    }
}
