using System.Globalization;
using System.Text.Json;

namespace AutoLynx.Bench;

/// <summary>One call as the simulator saw it (<c>/_sim/calls</c>): when it was created and ended on the provider's clock.</summary>
public sealed record SimCallTimes(string Id, DateTime Created, DateTime? Ended, string? CustomerNumber, string? CampaignId, long? OurCallId,
    IReadOnlyList<(string Status, DateTime At)> Timeline);

/// <summary>
/// The provider's view of a run, shared by the benches that judge the dialer: the calls from <c>/_sim/calls</c>, the makespan
/// against a zero-latency list schedule (each call starts the instant a slot frees, same durations, same order: the best a
/// dialer that cannot know durations in advance can do), and the refill gap.
/// </summary>
public static class ProviderSchedule
{
    /// <summary>Every call the simulator kept, oldest first (read as a stream: a large run's list is big).</summary>
    public static async Task<List<SimCallTimes>> ReadCallsAsync(HttpClient sim, CancellationToken ct = default)
    {
        using var response = await sim.GetAsync("_sim/calls", HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
        var calls = new List<SimCallTimes>();
        foreach (var c in doc.RootElement.EnumerateArray())
        {
            var timeline = c.GetProperty("timeline").EnumerateArray()
                .Select(t => (t.GetProperty("status").GetString()!, t.GetProperty("at").GetDateTime().ToUniversalTime())).ToList();
            var ended = timeline.Where(t => t.Item1 == "ended").Select(t => (DateTime?)t.Item2).FirstOrDefault();
            var request = c.GetProperty("request");
            string? campaign = null;
            if (request.TryGetProperty("assistantOverrides", out var o) && o.ValueKind == JsonValueKind.Object
                && o.TryGetProperty("metadata", out var m) && m.TryGetProperty("campaignId", out var cid)) campaign = cid.GetString();
            long? ours = null;
            if (request.TryGetProperty("customer", out var cust) && cust.TryGetProperty("externalId", out var ext)
                && long.TryParse(ext.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var e)) ours = e;
            calls.Add(new SimCallTimes(c.GetProperty("id").GetString()!, c.GetProperty("createdAt").GetDateTime().ToUniversalTime(), ended,
                c.GetProperty("customerNumber").GetString(), campaign, ours, timeline));
        }
        calls.Sort((a, b) => a.Created.CompareTo(b.Created));
        return calls;
    }

    /// <summary>First call created → last call ended, seconds (calls that never ended are left out).</summary>
    public static double Makespan(IReadOnlyCollection<SimCallTimes> calls)
    {
        var ended = calls.Where(c => c.Ended is not null).ToList();
        return ended.Count == 0 ? 0 : (ended.Max(c => c.Ended!.Value) - ended.Min(c => c.Created)).TotalSeconds;
    }

    /// <summary>The zero-latency list schedule's makespan over these calls' durations, in their creation order, with <paramref name="cap"/> slots.</summary>
    public static double IdealMakespan(IEnumerable<SimCallTimes> callsInOrder, int cap)
    {
        var slots = new PriorityQueue<double, double>();
        for (var i = 0; i < cap; i++) slots.Enqueue(0, 0);
        var ideal = 0.0;
        foreach (var c in callsInOrder.Where(c => c.Ended is not null))
        {
            var free = slots.Dequeue();
            var end = free + (c.Ended!.Value - c.Created).TotalSeconds;
            ideal = Math.Max(ideal, end);
            slots.Enqueue(end, end);
        }
        return ideal;
    }

    /// <summary>
    /// Refill gaps on the provider's clock, ms, sorted: with every slot busy, the k-th call placed after the first <paramref name="cap"/>
    /// refills the slot freed by the k-th call to end; its gap = its creation − that end (what the ideal schedule takes as 0).
    /// </summary>
    public static List<double> RefillGaps(IReadOnlyCollection<SimCallTimes> calls, int cap)
    {
        var ends = calls.Where(c => c.Ended is not null).Select(c => c.Ended!.Value).Order().ToList();
        var creates = calls.Select(c => c.Created).Order().ToList();
        var gaps = new List<double>();
        for (var k = cap; k < creates.Count && k - cap < ends.Count; k++) gaps.Add((creates[k] - ends[k - cap]).TotalMilliseconds);
        gaps.Sort();
        return gaps;
    }

    /// <summary>Nearest-rank quantile of a sorted list (NaN when empty).</summary>
    public static double Q(IReadOnlyList<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, Math.Round(q * (sorted.Count - 1)))];

    public static string LoadAverage()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "?"; }
    }
}
