using System.Text.Json.Nodes;

namespace AutoLynx.VapiSimulator;

/// <summary>Validation of assistant bodies (POST/PATCH /assistant, transient assistants and assistantOverrides),
/// in the words class-validator uses. Nested objects (model, voice…) are accepted as sent.</summary>
internal static class AssistantSchema
{
    private static readonly HashSet<string> KnownProperties = new(StringComparer.Ordinal)
    {
        "name", "firstMessage", "firstMessageMode", "firstMessageInterruptionsEnabled",
        "model", "voice", "transcriber",
        "voicemailDetection", "voicemailMessage", "endCallMessage", "endCallPhrases",
        "maxDurationSeconds", "silenceTimeoutSeconds", "responseDelaySeconds", "llmRequestDelaySeconds",
        "numWordsToInterruptAssistant",
        "serverMessages", "clientMessages", "server",
        "analysisPlan", "artifactPlan", "messagePlan", "startSpeakingPlan", "stopSpeakingPlan", "monitorPlan",
        "keypadInputPlan", "compliancePlan", "observabilityPlan", "backgroundSpeechDenoisingPlan",
        "backgroundSound", "backgroundDenoisingEnabled", "modelOutputInMessagesEnabled",
        "transportConfigurations", "credentials", "credentialIds", "hooks", "metadata",
        "voicemailDetectionEnabled", "endCallFunctionEnabled", "dialKeypadFunctionEnabled", "hipaaEnabled",
    };

    private static readonly HashSet<string> OverrideOnlyProperties = new(StringComparer.Ordinal)
    {
        "variableValues", "tools:append",
    };

    private static readonly string[] FirstMessageModes =
        ["assistant-speaks-first", "assistant-speaks-first-with-model-generated-message", "assistant-waits-for-user"];

    /// <summary>Errors for a create/update body; <paramref name="prefix"/> is "assistant." for nested use.</summary>
    public static List<string> Validate(JsonObject body, string prefix = "", bool isOverride = false)
    {
        var errors = new List<string>();
        foreach (var (key, value) in body)
        {
            if (!KnownProperties.Contains(key) && !(isOverride && OverrideOnlyProperties.Contains(key)))
            {
                errors.Add($"{prefix}property {key} should not exist");
                continue;
            }

            // class-validator's @IsOptional() skips every check for null as well as for a missing value.
            if (value is null)
            {
                continue;
            }

            switch (key)
            {
                case "name":
                    CheckString(value, prefix + key, 40, errors);
                    break;
                case "firstMessage":
                    CheckString(value, prefix + key, null, errors);
                    break;
                case "voicemailMessage" or "endCallMessage":
                    CheckString(value, prefix + key, 1000, errors);
                    break;
                case "firstMessageMode":
                    if (!value.IsString() || !FirstMessageModes.Contains(value!.GetValue<string>()))
                    {
                        errors.Add($"{prefix}firstMessageMode must be one of the following values: {string.Join(", ", FirstMessageModes)}");
                    }

                    break;
                case "maxDurationSeconds":
                    CheckRange(value, prefix + key, 10, 43200, errors);
                    break;
                case "silenceTimeoutSeconds":
                    CheckRange(value, prefix + key, 10, 3600, errors);
                    break;
                case "endCallPhrases" or "serverMessages" or "clientMessages" or "hooks" or "credentialIds":
                    if (value is not JsonArray)
                    {
                        errors.Add($"{prefix}{key} must be an array");
                    }

                    break;
                case "model" or "voice" or "transcriber" or "metadata" or "analysisPlan" or "artifactPlan"
                    or "monitorPlan" or "variableValues":
                    if (value is not JsonObject)
                    {
                        errors.Add($"{prefix}{key} must be an object");
                    }

                    break;
                case "server":
                    CheckServer(value, prefix + key, errors);
                    break;
            }
        }

        return errors;
    }

    private static void CheckServer(JsonNode? value, string path, List<string> errors)
    {
        if (value is not JsonObject server)
        {
            errors.Add($"{path} must be an object");
            return;
        }

        var url = server.GetString("url");
        if (server["url"] is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            errors.Add($"{path}.url must be a URL address");
        }

        if (server["timeoutSeconds"] is { } timeout)
        {
            CheckRange(timeout, path + ".timeoutSeconds", 1, 300, errors);
        }

        if (server["headers"] is { } headers && headers is not JsonObject)
        {
            errors.Add($"{path}.headers must be an object");
        }
    }

    private static void CheckString(JsonNode? value, string path, int? maxLength, List<string> errors)
    {
        if (!value.IsString())
        {
            errors.Add($"{path} must be a string");
        }
        else if (maxLength is { } max && value!.GetValue<string>().Length > max)
        {
            errors.Add($"{path} must be shorter than or equal to {max} characters");
        }
    }

    private static void CheckRange(JsonNode? value, string path, double min, double max, List<string> errors)
    {
        if (!value.IsNumber())
        {
            errors.Add($"{path} must be a number conforming to the specified constraints");
            return;
        }

        var number = value!.AsNumber();
        if (number < min)
        {
            errors.Add($"{path} must not be less than {min}");
        }
        else if (number > max)
        {
            errors.Add($"{path} must not be greater than {max}");
        }
    }
}
