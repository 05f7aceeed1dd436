using System.Text.Json.Nodes;
using AutoLynx.Features.Assistants;

namespace AutoLynx.Tests.Unit;

/// <summary>The form splits Vapi JSON into inputs + advanced JSON and joins it back without losing or changing a field.</summary>
public sealed class AssistantFormModelTests
{
    public static TheoryData<string> TemplateIds => [.. AssistantTemplates.All.Select(t => t.Id)];

    [Theory]
    [MemberData(nameof(TemplateIds))]
    public void FromConfigToConfig_Template_RoundTripsExactly(string templateId)
    {
        var config = AssistantTemplates.Copy(AssistantTemplates.Find(templateId)!).Config;

        var form = AssistantFormModel.FromConfig(null, config);
        var (back, error) = form.ToConfig();

        Assert.Null(error);
        Assert.True(JsonNode.DeepEquals(config, back), $"before: {config.ToJsonString()}\nafter: {back!.ToJsonString()}");
        Assert.Empty(AssistantJson.MergePatch(config, back!)); // an untouched form sends nothing on save
        Assert.Contains("{{name}}", form.FirstMessage);
        Assert.Contains("{{business_name}}", form.SystemPrompt);
        Assert.DoesNotContain("\"firstMessage\"", form.AdvancedJson);
        Assert.Contains("analysisPlan", form.AdvancedJson);
    }

    [Fact]
    public void ToConfig_EditedFieldsAndUnknownAdvancedFields_OnlyThoseChange()
    {
        var original = new JsonObject
        {
            ["name"] = "Sam",
            ["firstMessage"] = "Hi",
            ["model"] = new JsonObject
            {
                ["provider"] = "anthropic", ["model"] = "claude-sonnet-4-5", ["temperature"] = 0.7, ["maxTokens"] = 250,
                ["messages"] = new JsonArray(new JsonObject { ["role"] = "system", ["content"] = "Be kind." }, new JsonObject { ["role"] = "user", ["content"] = "x" }),
            },
            ["voice"] = new JsonObject { ["provider"] = "cartesia", ["voiceId"] = "abc", ["speed"] = 1.1 },
            ["hipaaEnabled"] = true,
            ["server"] = new JsonObject { ["url"] = "https://example.test/api/webhooks/vapi", ["timeoutSeconds"] = 30 },
        };
        var form = AssistantFormModel.FromConfig("Sam", original);
        Assert.Equal("Be kind.", form.SystemPrompt);
        Assert.Equal(0.7, form.Temperature);
        Assert.Equal("cartesia", form.VoiceProvider);
        Assert.Null(form.MaxDurationSeconds);

        form.SystemPrompt = "Be very kind.";
        form.Temperature = 0.2;
        var (edited, error) = form.ToConfig();
        Assert.Null(error);

        var patch = AssistantJson.MergePatch(original, edited!);
        Assert.Equal(["model"], patch.Select(p => p.Key));
        Assert.Equal(250, patch["model"]!["maxTokens"]!.GetValue<int>());
        Assert.Equal("Be very kind.", patch["model"]!["messages"]![0]!["content"]!.GetValue<string>());
        Assert.Equal("user", patch["model"]!["messages"]![1]!["role"]!.GetValue<string>());
        Assert.Equal(0.2, patch["model"]!["temperature"]!.GetValue<double>());
    }

    [Fact]
    public void ToConfig_ClearedField_IsRemovedSoThePatchSendsNull()
    {
        var original = new JsonObject { ["name"] = "A", ["firstMessage"] = "Hi", ["voicemailMessage"] = "Call me back" };
        var form = AssistantFormModel.FromConfig("A", original);
        form.VoicemailMessage = "  ";

        var patch = AssistantJson.MergePatch(original, form.ToConfig().Config!);

        Assert.True(patch.ContainsKey("voicemailMessage"));
        Assert.Null(patch["voicemailMessage"]);
    }

    [Theory]
    [InlineData("{\"a\": 1,}", "not valid JSON (line 1")]
    [InlineData("[1, 2]", "must be a JSON object")]
    [InlineData("{\"a\": }", "not valid JSON")]
    public void ToConfig_BadAdvancedJson_SaysWhatIsWrong(string advanced, string expected)
    {
        var form = new AssistantFormModel { Name = "X", AdvancedJson = advanced };

        var (config, error) = form.ToConfig();

        Assert.Null(config);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void BindServerAndRedact_SecretSentToVapiButNeverKept()
    {
        var config = new JsonObject { ["name"] = "A", ["server"] = new JsonObject { ["timeoutSeconds"] = 25 } };

        AssistantJson.BindServer(config, "https://app.test/api/webhooks/vapi", "s3cret");
        var stored = AssistantJson.WithoutWebhookSecret(config);

        Assert.Equal("s3cret", config["server"]!["headers"]!["X-Vapi-Secret"]!.GetValue<string>());
        Assert.Equal(25, config["server"]!["timeoutSeconds"]!.GetValue<int>());
        Assert.DoesNotContain("s3cret", stored.ToJsonString());
        Assert.Equal("https://app.test/api/webhooks/vapi", stored["server"]!["url"]!.GetValue<string>());
        Assert.Null(stored["server"]!["headers"]);

        AssistantJson.UnbindServer(config);
        Assert.Equal("""{"name":"A","server":{"timeoutSeconds":25}}""", config.ToJsonString());

        // No secret and no credential: Vapi could not authenticate to us, so the org's server settings stay in charge.
        var bare = new JsonObject { ["name"] = "B" };
        AssistantJson.BindServer(bare, "https://app.test/api/webhooks/vapi", null);
        Assert.Equal("""{"name":"B"}""", bare.ToJsonString());
        var withCredential = new JsonObject { ["server"] = new JsonObject { ["credentialId"] = "cred-1" } };
        AssistantJson.BindServer(withCredential, "https://app.test/api/webhooks/vapi", null);
        Assert.Equal("https://app.test/api/webhooks/vapi", withCredential["server"]!["url"]!.GetValue<string>());
    }
}
