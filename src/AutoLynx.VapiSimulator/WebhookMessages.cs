using System.Text.Json.Nodes;

namespace AutoLynx.VapiSimulator;

/// <summary>Builds server-message bodies <c>{"message":{…}}</c> from a call's current state (call under its Gate).</summary>
internal static class WebhookMessages
{
    public static JsonObject StatusUpdate(SimCall call, DateTimeOffset now)
    {
        var message = new JsonObject { ["type"] = "status-update", ["status"] = call.Status };
        if (call.IsEnded)
        {
            message["endedReason"] = call.EndedReason;
        }

        message["timestamp"] = now.ToUnixTimeMilliseconds();
        AddCommon(call, message);
        return new JsonObject { ["message"] = message };
    }

    public static JsonObject EndOfCallReport(SimCall call, DateTimeOffset now, bool legacyFields)
    {
        var body = call.Body;
        var message = new JsonObject
        {
            ["type"] = "end-of-call-report",
            ["timestamp"] = now.ToUnixTimeMilliseconds(),
            ["endedReason"] = call.EndedReason,
        };
        if (call.StartedAt is { } startedAt && call.EndedAt is { } endedAt)
        {
            message["startedAt"] = SimJson.Iso(startedAt);
            message["endedAt"] = SimJson.Iso(endedAt);
        }

        message["cost"] = body["cost"]?.DeepClone();
        message["costs"] = body["costs"]?.DeepClone();
        message["analysis"] = body["analysis"]?.DeepClone();
        message["artifact"] = body["artifact"]?.DeepClone();
        AddCommon(call, message);

        if (legacyFields)
        {
            // Fields older docs and community code read; not in the current spec.
            var seconds = call.StartedAt is { } s && call.EndedAt is { } e ? (e - s).TotalSeconds : 0;
            message["durationMs"] = Math.Round(seconds * 1000);
            message["durationSeconds"] = Math.Round(seconds, 3);
            message["durationMinutes"] = Math.Round(seconds / 60, 4);
            message["summary"] = body["analysis"].GetString("summary");
            message["transcript"] = body["artifact"].GetString("transcript");
            message["messages"] = body["artifact"]?["messages"]?.DeepClone();
            message["recordingUrl"] = body["artifact"].GetString("recordingUrl");
            message["stereoRecordingUrl"] = body["artifact"].GetString("stereoRecordingUrl");
            message["costBreakdown"] = body["costBreakdown"]?.DeepClone();
        }

        return new JsonObject { ["message"] = message };
    }

    private static void AddCommon(SimCall call, JsonObject message)
    {
        message["call"] = call.Body.DeepClone();
        message["phoneNumber"] = call.PhoneNumberJson.DeepClone();
        message["customer"] = call.Body["customer"]?.DeepClone();
        message["assistant"] = call.Assistant.DeepClone();
    }
}
