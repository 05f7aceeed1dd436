using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AutoLynx.Features.Assistants;

/// <summary>
/// The assistant form: the common fields as inputs, everything else of the Vapi JSON in the advanced editor.
/// <see cref="FromConfig"/> splits a configuration into the two; <see cref="ToConfig"/> joins them back, so a field the
/// form does not know survives an edit untouched.
/// </summary>
public sealed class AssistantFormModel
{
    public string Name { get; set; } = "";
    public string? FirstMessage { get; set; }
    public string? SystemPrompt { get; set; }
    public string? ModelProvider { get; set; } = "openai";
    public string? Model { get; set; } = "gpt-4.1";
    public double? Temperature { get; set; } = 0.5;
    public string? VoiceProvider { get; set; } = "11labs";
    public string? VoiceId { get; set; } = "21m00Tcm4TlvDq8ikWAM";
    public string? VoicemailMessage { get; set; }
    public string? EndCallMessage { get; set; }
    public int? MaxDurationSeconds { get; set; } = 600;
    /// <summary>Any other Vapi assistant field, as a JSON object.</summary>
    public string AdvancedJson { get; set; } = "{}";

    public static readonly string[] ModelProviders =
    [
        "openai", "anthropic", "anthropic-bedrock", "anthropic-vertex", "azure-openai", "google", "groq", "xai", "mistral", "deep-seek",
        "deepinfra", "cerebras", "together-ai", "openrouter", "perplexity-ai", "anyscale", "inflection-ai", "minimax", "custom-llm", "vapi",
    ];

    public static readonly string[] VoiceProviders =
    [
        "11labs", "vapi", "cartesia", "deepgram", "azure", "openai", "playht", "rime-ai", "lmnt", "neuphonic", "hume", "inworld",
        "minimax", "smallest-ai", "sesame", "wellsaid", "custom-voice",
    ];

    public static AssistantFormModel FromConfig(string? name, JsonObject config)
    {
        var rest = AssistantJson.WithoutServerFields(config);
        var m = new AssistantFormModel
        {
            Name = name ?? Take<string>(rest, "name") ?? "",
            FirstMessage = Take<string>(rest, "firstMessage"),
            VoicemailMessage = Take<string>(rest, "voicemailMessage"),
            EndCallMessage = Take<string>(rest, "endCallMessage"),
            MaxDurationSeconds = TakeInt(rest, "maxDurationSeconds"),
            ModelProvider = null, Model = null, Temperature = null, VoiceProvider = null, VoiceId = null,
        };
        rest.Remove("name");

        if (rest["model"] is JsonObject model)
        {
            m.ModelProvider = Take<string>(model, "provider");
            m.Model = Take<string>(model, "model");
            m.Temperature = TakeDouble(model, "temperature");
            if (model["messages"] is JsonArray messages)
            {
                var system = messages.OfType<JsonObject>().FirstOrDefault(x => x["role"]?.GetValueKind() == JsonValueKind.String && (string?)x["role"] == "system"
                                                                                 && x["content"]?.GetValueKind() == JsonValueKind.String && x.Count == 2);
                if (system is not null)
                {
                    m.SystemPrompt = (string?)system["content"];
                    messages.Remove(system);
                }
                if (messages.Count == 0) model.Remove("messages");
            }
            if (model.Count == 0) rest.Remove("model");
        }
        if (rest["voice"] is JsonObject voice)
        {
            m.VoiceProvider = Take<string>(voice, "provider");
            m.VoiceId = Take<string>(voice, "voiceId");
            if (voice.Count == 0) rest.Remove("voice");
        }
        m.AdvancedJson = AssistantJson.ToPrettyJson(rest);
        return m;
    }

    /// <summary>The Vapi JSON the form describes, or why it cannot be built (the advanced JSON is not an object).</summary>
    public (JsonObject? Config, string? Error) ToConfig()
    {
        var (advanced, error) = ParseAdvanced(AdvancedJson);
        if (advanced is null) return (null, error);

        // Form fields first, in a readable order; then whatever else the advanced editor holds.
        var config = new JsonObject { ["name"] = Name.Trim() };
        Set(config, "firstMessage", FirstMessage);

        var model = advanced["model"] as JsonObject ?? [];
        advanced.Remove("model");
        var modelOut = new JsonObject();
        Set(modelOut, "provider", ModelProvider);
        Set(modelOut, "model", Model);
        if (Temperature is { } t) modelOut["temperature"] = Math.Round(t, 2);
        var messages = model["messages"] as JsonArray;
        model.Remove("messages");
        if (!string.IsNullOrWhiteSpace(SystemPrompt))
        {
            messages ??= [];
            messages.Insert(0, new JsonObject { ["role"] = "system", ["content"] = SystemPrompt.Trim() });
        }
        if (messages is { Count: > 0 }) modelOut["messages"] = messages;
        foreach (var (k, v) in model.ToList()) { model.Remove(k); modelOut[k] ??= v; }
        if (modelOut.Count > 0) config["model"] = modelOut;

        var voice = advanced["voice"] as JsonObject ?? [];
        advanced.Remove("voice");
        var voiceOut = new JsonObject();
        Set(voiceOut, "provider", VoiceProvider);
        Set(voiceOut, "voiceId", VoiceId);
        foreach (var (k, v) in voice.ToList()) { voice.Remove(k); voiceOut[k] ??= v; }
        if (voiceOut.Count > 0) config["voice"] = voiceOut;

        Set(config, "voicemailMessage", VoicemailMessage);
        Set(config, "endCallMessage", EndCallMessage);
        if (MaxDurationSeconds is { } max) config["maxDurationSeconds"] = max;

        foreach (var (k, v) in advanced.ToList())
        {
            advanced.Remove(k);
            if (k == "name") continue;
            if (!config.ContainsKey(k)) config[k] = v;
        }
        return (config, null);
    }

    /// <summary>Checks the advanced editor's text: empty or a JSON object is fine.</summary>
    public static (JsonObject? Value, string? Error) ParseAdvanced(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return ([], null);
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false }) is JsonObject o
                ? (o, null)
                : (null, "The advanced settings must be a JSON object, written { … }.");
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" (line {line + 1}, position {(ex.BytePositionInLine ?? 0) + 1})" : "";
            return (null, $"The advanced settings are not valid JSON{where}: {FirstSentence(ex.Message)}");
        }
    }

    private static string FirstSentence(string message)
    {
        var i = message.IndexOf(". ", StringComparison.Ordinal);
        return i > 0 ? message[..(i + 1)] : message;
    }

    private static void Set(JsonObject target, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value)) target[key] = value.Trim();
    }

    private static T? Take<T>(JsonObject o, string key)
    {
        if (o[key] is JsonValue v && v.TryGetValue<T>(out var value))
        {
            o.Remove(key);
            return value;
        }
        return default;
    }

    private static double? TakeDouble(JsonObject o, string key)
    {
        if (o[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            o.Remove(key);
            return double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture);
        }
        return null;
    }

    private static int? TakeInt(JsonObject o, string key)
    {
        if (o[key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && int.TryParse(v.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i))
        {
            o.Remove(key);
            return i;
        }
        return null;
    }
}
