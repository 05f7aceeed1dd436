using System.Text.Json.Nodes;
using AutoLynx.Features.Assistants;

namespace AutoLynx.Tests.Unit;

/// <summary>The redaction rules on their own: what counts as a secret, and how a redacted copy sent back is resolved.</summary>
public sealed class AssistantSecretRulesTests
{
    private const string P = AssistantSecrets.Placeholder;

    [Fact]
    public void Redact_SecretsAnywhere_ReplacedAndTheRestKept()
    {
        var config = JsonNode.Parse("""
            {"name":"A","maxDurationSeconds":600,
             "model":{"provider":"openai","maxTokens":250,"tools":[{"type":"apiRequest","url":"https://crm.example.com/x",
               "server":{"url":"https://tool.example.com","headers":{"x-tenant":"acme","Content-Type":"application/json"}}}]},
             "server":{"url":"https://u:p@hooks.example.com/v?tenant=acme&api_key=k1&sig=s1#top","secret":"s","credentialId":"cred-1",
               "headers":{"Authorization":"Bearer t"}},
             "credentials":[{"provider":"gcp","gcpKey":{"private_key":"-----BEGIN","client_email":"x@y"}},
               {"provider":"twilio","authToken":"tw","accountSid":"AC1"},
               {"provider":"custom-credential","authenticationPlan":{"type":"oauth2","url":"https://idp.example.com/token","clientSecret":"cs","clientId":"ci"}},
               {"provider":"webhook","authenticationPlan":{"type":"hmac","secretKey":"hk","secretIsBase64":false,"signatureHeader":"x-signature"}}],
             "credentialIds":["c1"]}
            """)!.AsObject();

        var r = AssistantSecrets.Redact(config);

        Assert.Equal(P, r["server"]!["secret"]!.GetValue<string>());
        Assert.Equal(P, r["server"]!["headers"]!["Authorization"]!.GetValue<string>());
        Assert.Equal("https://[redacted]@hooks.example.com/v?tenant=acme&api_key=[redacted]&sig=[redacted]#top", r["server"]!["url"]!.GetValue<string>());
        Assert.Equal("cred-1", r["server"]!["credentialId"]!.GetValue<string>());
        Assert.Equal(P, r["model"]!["tools"]![0]!["server"]!["headers"]!["x-tenant"]!.GetValue<string>()); // any header may carry a credential
        Assert.Equal("application/json", r["model"]!["tools"]![0]!["server"]!["headers"]!["Content-Type"]!.GetValue<string>());
        Assert.Equal(250, r["model"]!["maxTokens"]!.GetValue<int>()); // numbers are no secrets, whatever their names
        Assert.Equal(P, r["credentials"]![0]!["gcpKey"]!["private_key"]!.GetValue<string>());
        Assert.Equal("x@y", r["credentials"]![0]!["gcpKey"]!["client_email"]!.GetValue<string>());
        Assert.Equal(P, r["credentials"]![1]!["authToken"]!.GetValue<string>());
        Assert.Equal("AC1", r["credentials"]![1]!["accountSid"]!.GetValue<string>());
        Assert.Equal(P, r["credentials"]![2]!["authenticationPlan"]!["clientSecret"]!.GetValue<string>());
        Assert.Equal("ci", r["credentials"]![2]!["authenticationPlan"]!["clientId"]!.GetValue<string>());
        Assert.Equal("https://idp.example.com/token", r["credentials"]![2]!["authenticationPlan"]!["url"]!.GetValue<string>());
        Assert.Equal(P, r["credentials"]![3]!["authenticationPlan"]!["secretKey"]!.GetValue<string>());
        Assert.False(r["credentials"]![3]!["authenticationPlan"]!["secretIsBase64"]!.GetValue<bool>());
        Assert.Equal("x-signature", r["credentials"]![3]!["authenticationPlan"]!["signatureHeader"]!.GetValue<string>());
        Assert.Equal("c1", r["credentialIds"]![0]!.GetValue<string>());
        Assert.DoesNotContain("\"s\"", r.ToJsonString());
        Assert.Equal("s", config["server"]!["secret"]!.GetValue<string>()); // the input is untouched
    }

    [Fact]
    public void TryRestore_ShownValuesSentBack_GetTheStoredValues()
    {
        var stored = JsonNode.Parse("""{"server":{"url":"https://u:p@h.example.com/x?token=t","secret":"s","headers":{"Authorization":"Bearer a"}},"credentials":[{"apiKey":"k"}]}""")!.AsObject();
        var patch = AssistantSecrets.Redact(stored);
        patch["server"]!["timeoutSeconds"] = 30;

        Assert.True(AssistantSecrets.TryRestore(patch, stored, out var where), where);

        Assert.Equal("s", patch["server"]!["secret"]!.GetValue<string>());
        Assert.Equal("Bearer a", patch["server"]!["headers"]!["Authorization"]!.GetValue<string>());
        Assert.Equal("https://u:p@h.example.com/x?token=t", patch["server"]!["url"]!.GetValue<string>());
        Assert.Equal("k", patch["credentials"]![0]!["apiKey"]!.GetValue<string>());
        Assert.Equal(30, patch["server"]!["timeoutSeconds"]!.GetValue<int>());
        Assert.Null(AssistantSecrets.FindPlaceholder(patch));
    }

    [Theory]
    [InlineData("""{"server":{"headers":{"X-New":"[redacted]"}}}""", "server.headers.X-New")]           // nothing was hidden there
    [InlineData("""{"server":{"url":"https://[redacted]@other.example.com/x?token=[redacted]"}}""", "server.url")] // edited around it
    [InlineData("""{"credentials":[{"note":"x"},{"apiKey":"[redacted]"}]}""", "credentials[1].apiKey")] // moved in the array
    public void TryRestore_PlaceholderThatCannotBeResolved_NamesThePlace(string patchJson, string expected)
    {
        var stored = JsonNode.Parse("""{"server":{"url":"https://u:p@h.example.com/x?token=t","headers":{"Authorization":"Bearer a"}},"credentials":[{"apiKey":"k"}]}""")!.AsObject();
        var patch = JsonNode.Parse(patchJson)!.AsObject();

        Assert.False(AssistantSecrets.TryRestore(patch, stored, out var where));
        Assert.Equal(expected, where);
    }

    [Fact]
    public void FindPlaceholder_NamesTheFirstPlace()
    {
        Assert.Equal("model.tools[0].token", AssistantSecrets.FindPlaceholder(JsonNode.Parse("""{"model":{"tools":[{"token":"[redacted]"}]}}""")));
        Assert.Null(AssistantSecrets.FindPlaceholder(JsonNode.Parse("""{"model":{"tools":[{"token":"real"}]}}""")));
    }
}
