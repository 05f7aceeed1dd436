using System.Text.Json.Nodes;

namespace AutoLynx.VapiSimulator;

/// <summary>/_sim/*: what tests and benchmarks read to check the app's behaviour. No key needed.</summary>
internal static class InspectionEndpoints
{
    public static void MapInspectionEndpoints(this IEndpointRouteBuilder root)
    {
        var sim = root.MapGroup("/_sim");
        sim.MapGet("/calls", Calls);
        sim.MapGet("/stats", (CallStore store) => SimJson.Json(store.Stats()));
        sim.MapPost("/reset", Reset);
        sim.MapConfigEndpoints();
        sim.MapGet("/recordings/{file}", (string file) => Results.File(SilentWav, "audio/wav", file));
    }

    /// <summary>Every call since the last reset (deleted ones too), oldest first.</summary>
    private static IResult Calls(CallStore store)
    {
        var result = new JsonArray();
        foreach (var call in store.All())
        {
            lock (call.Gate)
            {
                result.Add(new JsonObject
                {
                    ["id"] = call.Id,
                    ["status"] = call.Status,
                    ["outcome"] = call.Plan.Outcome.ToString(),
                    ["plannedEndedReason"] = call.Plan.EndedReason,
                    ["plan"] = new JsonObject // nominal seconds, before TimeScale
                    {
                        ["queuedSeconds"] = Math.Round(call.Plan.QueuedSeconds, 3),
                        ["ringSeconds"] = Math.Round(call.Plan.RingSeconds, 3),
                        ["talkSeconds"] = Math.Round(call.Plan.TalkSeconds, 3),
                        ["forwardingSeconds"] = Math.Round(call.Plan.ForwardingSeconds, 3),
                        ["analysisSeconds"] = Math.Round(call.Plan.AnalysisSeconds, 3),
                    },
                    ["endedReason"] = call.EndedReason,
                    ["customerNumber"] = call.CustomerNumber,
                    ["phoneNumberId"] = call.PhoneNumber.Id,
                    ["createdAt"] = SimJson.Iso(call.CreatedAt),
                    ["scheduledFor"] = call.ScheduledFor is { } due ? SimJson.Iso(due) : null,
                    ["startedAt"] = call.StartedAt is { } started ? SimJson.Iso(started) : null,
                    ["endedAt"] = call.Timeline.LastOrDefault(t => t.Status == "ended") is { Status: not null } end ? SimJson.Iso(end.At) : null,
                    ["deleted"] = call.Deleted,
                    ["neverEnds"] = call.Plan.NeverEnds,
                    ["webhooksSettled"] = call.WebhooksSettled,
                    ["request"] = call.Request.DeepClone(),
                    ["timeline"] = new JsonArray([.. call.Timeline.Select(t =>
                        (JsonNode)new JsonObject { ["status"] = t.Status, ["at"] = SimJson.Iso(t.At) })]),
                    ["webhooks"] = new JsonArray([.. call.Webhooks.Select(w => (JsonNode)new JsonObject
                    {
                        ["type"] = w.Type,
                        ["status"] = w.Status,
                        ["at"] = SimJson.Iso(w.At),
                        ["result"] = w.Result,
                        ["attempts"] = w.Attempts,
                        ["burst"] = w.Burst,
                    })]),
                });
            }
        }

        return SimJson.Json(result);
    }

    private static IResult Reset(CallStore store, FaultInjector faults)
    {
        store.Reset();
        faults.Reset();
        return SimJson.Json(new JsonObject { ["reset"] = true });
    }

    /// <summary>One second of 8 kHz mono silence, so recording links play in a browser.</summary>
    private static readonly byte[] SilentWav = BuildSilentWav();

    private static byte[] BuildSilentWav()
    {
        const int sampleRate = 8000;
        const int dataLength = sampleRate * 2;
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write("RIFF"u8);
        writer.Write(36 + dataLength);
        writer.Write("WAVEfmt "u8);
        writer.Write(16);
        writer.Write((short)1); // PCM
        writer.Write((short)1); // mono
        writer.Write(sampleRate);
        writer.Write(sampleRate * 2);
        writer.Write((short)2);
        writer.Write((short)16);
        writer.Write("data"u8);
        writer.Write(dataLength);
        writer.Write(new byte[dataLength]);
        writer.Flush();
        return stream.ToArray();
    }
}
