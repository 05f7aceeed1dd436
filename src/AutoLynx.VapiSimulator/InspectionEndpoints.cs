using System.Text.Json;
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
        sim.MapPost("/faults/next", ScriptFaultAsync);
        sim.MapGet("/recordings/{file}", Recording);
    }

    /// <summary>Every call since the last reset (deleted ones too, up to MaxRetainedCalls), oldest first.</summary>
    private static IResult Calls(CallStore store) => SimJson.Json(writer =>
    {
        writer.WriteStartArray();
        foreach (var call in store.All())
        {
            lock (call.Gate)
            {
                WriteCall(writer, call);
            }
        }

        writer.WriteEndArray();
    });

    private static void WriteCall(Utf8JsonWriter writer, SimCall call)
    {
        static void Time(Utf8JsonWriter writer, string name, DateTimeOffset? at)
        {
            if (at is { } value)
            {
                writer.WriteString(name, SimJson.Iso(value));
            }
            else
            {
                writer.WriteNull(name);
            }
        }

        var plan = call.Plan;
        writer.WriteStartObject();
        writer.WriteString("id", call.Id);
        writer.WriteString("status", call.Status);
        writer.WriteString("outcome", plan.Outcome.ToString());
        writer.WriteString("plannedEndedReason", plan.EndedReason);
        writer.WriteStartObject("plan"); // nominal seconds, before TimeScale
        writer.WriteNumber("queuedSeconds", Math.Round(plan.QueuedSeconds, 3));
        writer.WriteNumber("ringSeconds", Math.Round(plan.RingSeconds, 3));
        writer.WriteNumber("talkSeconds", Math.Round(plan.TalkSeconds, 3));
        writer.WriteNumber("forwardingSeconds", Math.Round(plan.ForwardingSeconds, 3));
        writer.WriteNumber("analysisSeconds", Math.Round(plan.AnalysisSeconds, 3));
        writer.WriteEndObject();
        writer.WriteString("endedReason", call.EndedReason);
        writer.WriteString("customerNumber", call.CustomerNumber);
        writer.WriteString("phoneNumberId", call.PhoneNumber.Id);
        Time(writer, "createdAt", call.CreatedAt);
        Time(writer, "scheduledFor", call.ScheduledFor);
        Time(writer, "startedAt", call.StartedAt);
        Time(writer, "endedAt", call.IsEnded ? call.Timeline[^1].At : null);
        writer.WriteBoolean("deleted", call.Deleted);
        writer.WriteBoolean("neverEnds", plan.NeverEnds);
        writer.WriteBoolean("webhooksSettled", call.WebhooksSettled);
        writer.WritePropertyName("request");
        writer.WriteRawValue(call.RequestJson, skipInputValidation: true);
        writer.WriteStartArray("timeline");
        foreach (var (status, at) in call.Timeline)
        {
            writer.WriteStartObject();
            writer.WriteString("status", status);
            writer.WriteString("at", SimJson.Iso(at));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("webhooks");
        foreach (var hook in call.Webhooks)
        {
            writer.WriteStartObject();
            writer.WriteString("type", hook.Type);
            writer.WriteString("status", hook.Status);
            writer.WriteString("at", SimJson.Iso(hook.At));
            writer.WriteString("result", hook.Result);
            writer.WriteNumber("attempts", hook.Attempts);
            writer.WriteNumber("bytes", hook.Bytes);
            if (hook.Burst is { } burst)
            {
                writer.WriteNumber("burst", burst);
            }
            else
            {
                writer.WriteNull("burst");
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
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

        var retryAfter = body.GetNumber("retryAfter") is { } ra ? (int?)Math.Clamp((int)ra, 0, 3600) : null;
        var fault = new ScriptedFault(body.GetString("method"), body.GetString("path") ?? "/", status, body.GetString("message"),
            Math.Max(1, (int)(body.GetNumber("count") ?? 1)), retryAfter);
        faults.Script(fault);
        return SimJson.Json(fault);
    }

    private static IResult Reset(CallStore store, FaultInjector faults)
    {
        store.Reset();
        faults.Reset();
        return SimJson.Json(new JsonObject { ["reset"] = true });
    }

    /// <summary>
    /// A call's recording: a tone per speaker turn (see <see cref="RecordingAudio"/>), served inline like Vapi's storage
    /// (a browser plays it instead of downloading it), with ranges so a player can seek.
    /// </summary>
    private static IResult Recording(string file, CallStore store)
    {
        if (!RecordingAudio.TryParseFile(file, out var callId, out var track))
        {
            return SimJson.NotFound($"No recording named {file}.");
        }

        var call = store.Find(callId);
        if (call is null)
        {
            return SimJson.NotFound($"No call with id {callId}.");
        }

        JsonNode? body;
        lock (call.Gate)
        {
            body = JsonNode.Parse(call.BodyBytes());
        }

        return Results.File(RecordingAudio.Wav(RecordingAudio.Turns(body), track), "audio/wav", enableRangeProcessing: true);
    }
}
