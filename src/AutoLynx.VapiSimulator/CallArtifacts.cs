using System.Text.Json.Nodes;

namespace AutoLynx.VapiSimulator;

/// <summary>Fills an ended call's cost, costs, costBreakdown, artifact and analysis.</summary>
/// <remarks>Timestamps (message time/endTime, secondsFromStart) follow the real clock, so they agree with
/// startedAt/endedAt under time compression; minutes, tokens and cost use the nominal (unscaled) duration so the
/// figures look like those of a real call.</remarks>
internal static class CallArtifacts
{
    public static void Apply(SimCall call, DateTimeOffset endedAt, double nominalSeconds)
    {
        var body = call.Body;
        if (call.StartedAt is not { } startedAt)
        {
            // Never connected: nothing was said or billed.
            body["cost"] = 0;
            body["costs"] = new JsonArray();
            body["artifact"] = new JsonObject { ["messages"] = new JsonArray(), ["messagesOpenAIFormatted"] = new JsonArray() };
            body["analysis"] = new JsonObject();
            return;
        }

        var endedReason = call.EndedReason ?? "customer-ended-call";
        var script = ConversationScript.For(call);
        var lines = script.Lines(endedReason, nominalSeconds);
        var (messages, openAi) = Messages(call, lines, startedAt, endedAt, nominalSeconds);

        var artifact = new JsonObject
        {
            ["messages"] = messages,
            ["messagesOpenAIFormatted"] = openAi,
            ["transcript"] = string.Join('\n', lines.Select(l => (l.Role == "bot" ? "AI: " : "User: ") + l.Text)),
        };
        if (call.Assistant["artifactPlan"].GetBool("recordingEnabled") != false)
        {
            var mono = $"{call.BaseUrl}/_sim/recordings/{call.Id}-mono.wav";
            var stereo = $"{call.BaseUrl}/_sim/recordings/{call.Id}-stereo.wav";
            artifact["recording"] = new JsonObject
            {
                ["stereoUrl"] = stereo,
                ["mono"] = new JsonObject
                {
                    ["combinedUrl"] = mono,
                    ["assistantUrl"] = $"{call.BaseUrl}/_sim/recordings/{call.Id}-assistant.wav",
                    ["customerUrl"] = $"{call.BaseUrl}/_sim/recordings/{call.Id}-customer.wav",
                },
            };
            artifact["recordingUrl"] = mono;
            artifact["stereoRecordingUrl"] = stereo;
        }

        var botCharacters = lines.Where(l => l.Role == "bot").Sum(l => l.Text.Length);
        AddCosts(call, nominalSeconds / 60.0, lines.Count, botCharacters);
        body["artifact"] = artifact;
        body["analysis"] = script.Analysis(endedReason, nominalSeconds);
    }

    private static (JsonArray Messages, JsonArray OpenAi) Messages(
        SimCall call, List<(string Role, string Text)> lines, DateTimeOffset startedAt, DateTimeOffset endedAt, double nominalSeconds)
    {
        var messages = new JsonArray();
        var openAi = new JsonArray();
        var startMs = startedAt.ToUnixTimeMilliseconds();
        var systemPrompt = (call.Assistant["model"]?["messages"] as JsonArray)?
            .FirstOrDefault(m => m.GetString("role") == "system").GetString("content");
        if (systemPrompt is not null)
        {
            messages.Add(new JsonObject { ["role"] = "system", ["message"] = systemPrompt, ["time"] = startMs, ["secondsFromStart"] = 0 });
            openAi.Add(new JsonObject { ["role"] = "system", ["content"] = systemPrompt });
        }

        // Lay the lines out over the nominal duration (speech ≈ 15 characters a second), then map onto the real span.
        var nominal = Math.Max(1, nominalSeconds);
        var speaking = lines.Select(l => Math.Max(1.0, l.Text.Length / 15.0)).ToArray();
        var squeeze = Math.Min(1.0, nominal * 0.9 / Math.Max(1, speaking.Sum()));
        var gap = Math.Max(0, (nominal - speaking.Sum() * squeeze) / (lines.Count + 1));
        var realPerNominal = Math.Max(0, (endedAt - startedAt).TotalMilliseconds) / nominal;

        var at = gap;
        for (var i = 0; i < lines.Count; i++)
        {
            var (role, text) = lines[i];
            var offsetMs = at * realPerNominal;
            var durationMs = speaking[i] * squeeze * realPerNominal;
            messages.Add(new JsonObject
            {
                ["role"] = role,
                ["message"] = text,
                ["time"] = startMs + (long)offsetMs,
                ["endTime"] = startMs + (long)(offsetMs + durationMs),
                ["secondsFromStart"] = Math.Round(offsetMs / 1000, 3),
                ["duration"] = Math.Round(durationMs),
            });
            openAi.Add(new JsonObject { ["role"] = role == "bot" ? "assistant" : "user", ["content"] = text });
            at += speaking[i] * squeeze + gap;
        }

        return (messages, openAi);
    }

    private static void AddCosts(SimCall call, double minutes, int lineCount, int botCharacters)
    {
        var assistant = call.Assistant;
        var model = new JsonObject
        {
            ["provider"] = assistant["model"].GetString("provider") ?? "openai",
            ["model"] = assistant["model"].GetString("model") ?? "gpt-4.1",
        };
        var voice = new JsonObject
        {
            ["provider"] = assistant["voice"].GetString("provider") ?? "11labs",
            ["voiceId"] = assistant["voice"].GetString("voiceId") ?? "21m00Tcm4TlvDq8ikWAM",
        };
        var transcriber = new JsonObject
        {
            ["provider"] = assistant["transcriber"].GetString("provider") ?? "deepgram",
            ["model"] = assistant["transcriber"].GetString("model") ?? "nova-3",
        };

        var promptTokens = 900 * Math.Max(1, lineCount / 2);
        var completionTokens = 35 * Math.Max(1, lineCount / 2);
        var transport = Round(minutes * 0.014);
        var stt = Round(minutes * 0.01);
        var llm = Round(promptTokens * 0.000002 + completionTokens * 0.000008);
        var tts = Round(botCharacters * 0.00003);
        var vapi = Round(minutes * 0.05);
        var total = Round(transport + stt + llm + tts + vapi);
        var roundedMinutes = Math.Round(minutes, 4);

        call.Body["cost"] = total;
        call.Body["costs"] = new JsonArray
        {
            new JsonObject { ["type"] = "transport", ["provider"] = call.PhoneNumber.Provider, ["minutes"] = roundedMinutes, ["cost"] = transport },
            new JsonObject { ["type"] = "transcriber", ["transcriber"] = transcriber, ["minutes"] = roundedMinutes, ["cost"] = stt },
            new JsonObject { ["type"] = "model", ["model"] = model, ["promptTokens"] = promptTokens, ["completionTokens"] = completionTokens, ["cost"] = llm },
            new JsonObject { ["type"] = "voice", ["voice"] = voice, ["characters"] = botCharacters, ["cost"] = tts },
            new JsonObject { ["type"] = "vapi", ["subType"] = "normal", ["minutes"] = roundedMinutes, ["cost"] = vapi },
        };
        call.Body["costBreakdown"] = new JsonObject
        {
            ["transport"] = transport,
            ["stt"] = stt,
            ["llm"] = llm,
            ["tts"] = tts,
            ["vapi"] = vapi,
            ["total"] = total,
            ["llmPromptTokens"] = promptTokens,
            ["llmCompletionTokens"] = completionTokens,
            ["ttsCharacters"] = botCharacters,
        };
    }

    private static double Round(double value) => Math.Round(value, 4);
}
