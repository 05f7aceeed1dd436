using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AutoLynx.VapiSimulator;

/// <summary>Builds server-message bodies <c>{"message":{…}}</c> from a call's current state (call under its Gate).</summary>
/// <remarks>Written straight to UTF-8 bytes: at thousands of webhooks a second, deep-cloning the call, its assistant
/// and phone number into a new JsonObject per message was the sender's largest cost.</remarks>
internal static class WebhookMessages
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    public static byte[] StatusUpdate(SimCall call, DateTimeOffset now) => Write(call, writer =>
    {
        writer.WriteString("type", "status-update");
        writer.WriteString("status", call.Status);
        if (call.IsEnded)
        {
            writer.WriteString("endedReason", call.EndedReason);
        }

        if (call.Status == "forwarding" && call.Body["destination"] is { } destination)
        {
            writer.WritePropertyName("destination");
            destination.WriteTo(writer, SimJson.Options);
        }

        writer.WriteNumber("timestamp", now.ToUnixTimeMilliseconds());
    });

    public static byte[] EndOfCallReport(SimCall call, DateTimeOffset now, bool legacyFields) => Write(call, writer =>
    {
        var body = call.Body;
        writer.WriteString("type", "end-of-call-report");
        writer.WriteNumber("timestamp", now.ToUnixTimeMilliseconds());
        writer.WriteString("endedReason", call.EndedReason);
        if (call.StartedAt is { } startedAt && call.EndedAt is { } endedAt)
        {
            writer.WriteString("startedAt", SimJson.Iso(startedAt));
            writer.WriteString("endedAt", SimJson.Iso(endedAt));
        }

        foreach (var field in (string[])["cost", "costs", "analysis", "artifact", "destination"])
        {
            if (body[field] is { } value)
            {
                writer.WritePropertyName(field);
                value.WriteTo(writer, SimJson.Options);
            }
        }

        if (legacyFields)
        {
            // Fields older docs and community code read; not in the current spec.
            var seconds = call.StartedAt is { } s && call.EndedAt is { } e ? (e - s).TotalSeconds : 0;
            writer.WriteNumber("durationMs", Math.Round(seconds * 1000));
            writer.WriteNumber("durationSeconds", Math.Round(seconds, 3));
            writer.WriteNumber("durationMinutes", Math.Round(seconds / 60, 4));
            writer.WriteString("summary", body["analysis"].GetString("summary"));
            writer.WriteString("transcript", body["artifact"].GetString("transcript"));
            writer.WritePropertyName("messages");
            (body["artifact"]?["messages"] ?? new JsonArray()).WriteTo(writer, SimJson.Options);
            writer.WriteString("recordingUrl", body["artifact"].GetString("recordingUrl"));
            writer.WriteString("stereoRecordingUrl", body["artifact"].GetString("stereoRecordingUrl"));
            if (body["costBreakdown"] is { } breakdown)
            {
                writer.WritePropertyName("costBreakdown");
                breakdown.WriteTo(writer, SimJson.Options);
            }
        }
    });

    public static byte[] SpeechUpdate(SimCall call, DateTimeOffset now, string status, string role, int turn) => Write(call, writer =>
    {
        writer.WriteString("type", "speech-update");
        writer.WriteString("status", status);
        writer.WriteString("role", role);
        writer.WriteNumber("turn", turn);
        writer.WriteNumber("timestamp", now.ToUnixTimeMilliseconds());
    });

    /// <summary>The conversation so far, in Vapi's two shapes (its own messages and OpenAI's).</summary>
    public static byte[] ConversationUpdate(SimCall call, DateTimeOffset now, IReadOnlyList<(string Role, string Text, DateTimeOffset At)> said) => Write(call, writer =>
    {
        writer.WriteString("type", "conversation-update");
        var startMs = (call.StartedAt ?? now).ToUnixTimeMilliseconds();
        writer.WriteStartArray("messages");
        foreach (var (role, text, at) in said)
        {
            writer.WriteStartObject();
            writer.WriteString("role", role);
            writer.WriteString("message", text);
            writer.WriteNumber("time", at.ToUnixTimeMilliseconds());
            writer.WriteNumber("secondsFromStart", Math.Round((at.ToUnixTimeMilliseconds() - startMs) / 1000.0, 3));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("messagesOpenAIFormatted");
        foreach (var (role, text, _) in said)
        {
            writer.WriteStartObject();
            writer.WriteString("role", role == "bot" ? "assistant" : "user");
            writer.WriteString("content", text);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteNumber("timestamp", now.ToUnixTimeMilliseconds());
    });

    /// <summary>The envelope, the message-specific fields, then the fields every message shares.</summary>
    private static byte[] Write(SimCall call, Action<Utf8JsonWriter> fields)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(16 * 1024);
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("message");
            writer.WriteStartObject();
            fields(writer);
            writer.WritePropertyName("call");
            call.Body.WriteTo(writer, SimJson.Options);
            writer.WritePropertyName("phoneNumber");
            call.PhoneNumberJson.WriteTo(writer, SimJson.Options);
            writer.WritePropertyName("customer");
            (call.Body["customer"] ?? new JsonObject()).WriteTo(writer, SimJson.Options);
            writer.WritePropertyName("assistant");
            call.Assistant.WriteTo(writer, SimJson.Options);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        var bytes = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 1024 * 1024)
        {
            t_buffer = null; // do not keep an exceptional giant buffer per thread
        }

        return bytes;
    }
}
