using System.Text.Json.Nodes;

namespace AutoLynx.Tests.Infrastructure;

/// <summary>
/// An end-of-call-report as Vapi sends it for a very long call, built to size the webhook body cap: a 12-hour call
/// (Vapi's maximum <c>maxDurationSeconds</c>, 43,200) with people talking most of the time, in every copy Vapi may
/// send: <c>artifact.messages</c>, <c>artifact.messagesOpenAIFormatted</c> and <c>artifact.transcript</c>, the same
/// artifact again inside <c>call</c>, and the top-level <c>messages</c>/<c>transcript</c> of older payloads.
/// </summary>
public static class LongCallReport
{
    private static readonly string[] Words =
    [
        "yes", "we", "could", "look", "at", "the", "schedule", "for", "next", "week", "and", "see", "whether", "your", "team",
        "has", "time", "to", "talk", "about", "pricing", "options", "that", "sounds", "good", "thanks", "appointment",
        "tuesday", "afternoon", "would", "work", "perfectly", "let", "me", "check", "with", "my", "manager", "first",
    ];

    /// <param name="hours">Length of the call.</param>
    /// <param name="wordsPerMinute">Words spoken per minute over the whole call (both sides; 150 is brisk, steady talk).</param>
    public static JsonObject Build(string providerCallId, long ourCallId, double hours = 12, int wordsPerMinute = 150)
    {
        var random = new Random(12);
        var start = new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);
        var totalSeconds = hours * 3600;
        var messages = new JsonArray();
        var openAi = new JsonArray();
        var transcript = new System.Text.StringBuilder();
        var at = 1.0;
        var bot = true;
        while (at < totalSeconds)
        {
            var count = random.Next(6, 30); // one turn
            var text = string.Join(' ', Enumerable.Range(0, count).Select(_ => Words[random.Next(Words.Length)])) + ".";
            var seconds = count * 60.0 / wordsPerMinute;
            var time = start.AddSeconds(at).ToUnixTimeMilliseconds();
            var role = bot ? "bot" : "user";
            messages.Add(new JsonObject
            {
                ["role"] = role, ["message"] = text, ["time"] = time, ["endTime"] = time + (long)(seconds * 1000),
                ["secondsFromStart"] = Math.Round(at, 3), ["duration"] = Math.Round(seconds * 1000),
            });
            openAi.Add(new JsonObject { ["role"] = bot ? "assistant" : "user", ["content"] = text });
            transcript.Append(bot ? "AI: " : "User: ").Append(text).Append('\n');
            at += seconds + 0.4;
            bot = !bot;
        }

        JsonObject Artifact() => new()
        {
            ["messages"] = messages.DeepClone(),
            ["messagesOpenAIFormatted"] = openAi.DeepClone(),
            ["transcript"] = transcript.ToString(),
            ["recordingUrl"] = $"https://storage.vapi.ai/{providerCallId}-mono.wav",
            ["stereoRecordingUrl"] = $"https://storage.vapi.ai/{providerCallId}-stereo.wav",
        };
        var ended = start.AddSeconds(totalSeconds);
        return new JsonObject
        {
            ["message"] = new JsonObject
            {
                ["type"] = "end-of-call-report",
                ["timestamp"] = ended.AddSeconds(4).ToUnixTimeMilliseconds(),
                ["endedReason"] = "exceeded-max-duration",
                ["startedAt"] = start.ToString("O"), ["endedAt"] = ended.ToString("O"),
                ["cost"] = 61.2,
                ["analysis"] = new JsonObject { ["summary"] = "A very long call.", ["successEvaluation"] = "true" },
                ["artifact"] = Artifact(),
                ["transcript"] = transcript.ToString(),
                ["messages"] = messages.DeepClone(),
                ["call"] = new JsonObject
                {
                    ["id"] = providerCallId, ["type"] = "outboundPhoneCall", ["status"] = "ended", ["endedReason"] = "exceeded-max-duration",
                    ["customer"] = new JsonObject { ["number"] = "+14155550100", ["externalId"] = ourCallId.ToString() },
                    ["assistantOverrides"] = new JsonObject { ["metadata"] = new JsonObject { ["callId"] = ourCallId.ToString() } },
                    ["artifact"] = Artifact(),
                    ["messages"] = messages.DeepClone(),
                },
                ["customer"] = new JsonObject { ["number"] = "+14155550100", ["externalId"] = ourCallId.ToString() },
            },
        };
    }
}
