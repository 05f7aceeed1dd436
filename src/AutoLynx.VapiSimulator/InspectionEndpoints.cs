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
        sim.MapPost("/faults/next", ScriptFaultAsync);
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
                    ["endedReason"] = call.EndedReason,
                    ["customerNumber"] = call.CustomerNumber,
                    ["phoneNumberId"] = call.PhoneNumber.Id,
                    ["createdAt"] = SimJson.Iso(call.CreatedAt),
                    ["deleted"] = call.Deleted,
                    ["neverEnds"] = call.Plan.NeverEnds,
                    ["request"] = call.Request.DeepClone(),
                    ["timeline"] = new JsonArray([.. call.Timeline.Select(t =>
                        (JsonNode)new JsonObject { ["status"] = t.Status, ["at"] = SimJson.Iso(t.At) })]),
                    ["webhooks"] = new JsonArray([.. call.Webhooks.Select(w => (JsonNode)new JsonObject
                    {
                        ["type"] = w.Type,
                        ["status"] = w.Status,
                        ["at"] = SimJson.Iso(w.At),
                        ["result"] = w.Result,
                    })]),
                });
            }
        }

        return SimJson.Json(result);
    }

    /// <summary>Body {"status": 503, "path": "/assistant", "method": "PATCH"?, "message": "…"?, "count": 1?}: the next
    /// matching API request(s) answer that status with a Vapi-shaped error body.</summary>
    private static async Task<IResult> ScriptFaultAsync(HttpRequest request, FaultInjector faults)
    {
        var (body, error) = await SimJson.ReadObjectAsync(request);
        if (error is not null)
        {
            return error;
        }

        var status = (int)(body.GetNumber("status") ?? 0);
        if (status is < 400 or > 599)
        {
            return SimJson.BadRequest(["status must be an HTTP error status (400-599)"]);
        }

        var fault = new ScriptedFault(body.GetString("method"), body.GetString("path") ?? "/", status, body.GetString("message"),
            Math.Max(1, (int)(body.GetNumber("count") ?? 1)));
        faults.Script(fault);
        return SimJson.Json(fault);
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
