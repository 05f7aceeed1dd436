using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AutoLynx.Features.Assistants;
using AutoLynx.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static AutoLynx.Tests.Integration.AssistantTests;

namespace AutoLynx.Tests.Integration;

/// <summary>
/// An assistant made on Vapi with secrets in it (an inline <c>server.secret</c>, Authorization and API-key headers, a
/// token in its URL, inline credentials), imported: no answer and no page shows one of them, to an admin or an
/// operator; our copy keeps them, so editing, pushing and refreshing through our redacted copy leaves them intact on Vapi.
/// </summary>
public sealed class AssistantSecretsTests
{
    private static readonly string[] Secrets =
        ["server-secret-123", "header-bearer-123", "header-apikey-123", "url-token-123", "url-password-123", "cred-apikey-123", "cred-token-123", "cred-hmac-123"];

    private static JsonObject ConfigWithSecrets() => new()
    {
        ["name"] = "Has secrets",
        ["firstMessage"] = "Hi {{name}}",
        ["server"] = new JsonObject
        {
            ["url"] = "https://hooks:url-password-123@hooks.example.com/vapi?tenant=acme&token=url-token-123",
            ["headers"] = new JsonObject
            {
                ["X-Webhook-Secret"] = "server-secret-123",
                ["Authorization"] = "Bearer header-bearer-123", ["X-Api-Key"] = "header-apikey-123", ["Content-Type"] = "application/json",
            },
            ["timeoutSeconds"] = 20,
        },
        ["credentials"] = new JsonArray
        {
            new JsonObject { ["provider"] = "11labs", ["apiKey"] = "cred-apikey-123" },
            new JsonObject
            {
                ["provider"] = "custom-credential", ["name"] = "crm",
                ["authenticationPlan"] = new JsonObject { ["type"] = "bearer", ["token"] = "cred-token-123", ["headerName"] = "Authorization" },
            },
            new JsonObject { ["provider"] = "webhook", ["authenticationPlan"] = new JsonObject { ["type"] = "hmac", ["secretKey"] = "cred-hmac-123", ["algorithm"] = "sha256" } },
        },
        ["credentialIds"] = new JsonArray("credential-id-is-not-a-secret"),
    };

    private static void AssertNoSecret(string text, string where)
    {
        foreach (var secret in Secrets) Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{where} shows {secret}");
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task ImportedAssistantWithSecrets_EveryAnswerAndPage_ShowsNoSecret(Db db)
    {
        await using var app = AppHost.Start(db);
        var pid = await SimCreateAssistantAsync(app, ConfigWithSecrets());
        using var import = await app.Http.PostAsJsonAsync("api/assistants/import", new { providerAssistantId = pid });
        var imported = await BodyAsync(import, 201);
        var id = imported.GetProperty("id").GetInt64();
        AssertNoSecret(imported.GetRawText(), "POST /api/assistants/import");

        // What is not secret is still shown: the server's host, harmless headers, ids of credentials kept on Vapi.
        var config = imported.GetProperty("config");
        var server = config.GetProperty("server");
        Assert.Equal("https://[redacted]@hooks.example.com/vapi?tenant=acme&token=[redacted]", server.GetProperty("url").GetString());
        Assert.Equal(AssistantSecrets.Placeholder, server.GetProperty("headers").GetProperty("X-Webhook-Secret").GetString());
        Assert.Equal(AssistantSecrets.Placeholder, server.GetProperty("headers").GetProperty("Authorization").GetString());
        Assert.Equal("application/json", server.GetProperty("headers").GetProperty("Content-Type").GetString());
        Assert.Equal("credential-id-is-not-a-secret", config.GetProperty("credentialIds")[0].GetString());
        Assert.Equal("Authorization", config.GetProperty("credentials")[1].GetProperty("authenticationPlan").GetProperty("headerName").GetString());

        var (operatorApi, _, operatorSession) = await app.SignUpAsync("operator.secrets@example.com");
        var (_, _, adminSession) = await app.SignUpAsync("admin.secrets@example.com", "Admin");
        foreach (var (client, who) in new[] { (app.Http, "admin token"), (operatorApi, "operator token") })
        {
            AssertNoSecret(await client.GetStringAsync("api/assistants"), $"GET /api/assistants ({who})");
            AssertNoSecret(await client.GetStringAsync($"api/assistants/{id}"), $"GET /api/assistants/{{id}} ({who})");
            AssertNoSecret(await client.GetStringAsync($"api/assistants/{id}/drift"), $"GET /api/assistants/{{id}}/drift ({who})");
        }
        var editor = await adminSession.GetStringAsync($"assistants/{id}");
        Assert.Contains("Has secrets", editor);
        Assert.Contains(AssistantSecrets.Placeholder, editor); // the stored configuration is on the page, redacted
        AssertNoSecret(editor, "the assistant editor page");
        AssertNoSecret(await operatorSession.GetStringAsync("assistants"), "the assistants page (operator)");
        AssertNoSecret(await adminSession.GetStringAsync("assistants"), "the assistants page (admin)");

        // Vapi's copy changes a secret behind our back: drift says the server differs, without showing either value.
        var rotated = ConfigWithSecrets()["server"]!.DeepClone().AsObject();
        rotated["headers"]!["X-Webhook-Secret"] = "rotated-secret-456";
        await SimPatchAssistantAsync(app, pid, new JsonObject { ["server"] = rotated });
        var drift = await app.GetJsonAsync($"api/assistants/{id}/drift");
        Assert.Contains("server", drift.GetProperty("differences").EnumerateArray().Select(d => d.GetProperty("field").GetString()));
        AssertNoSecret(drift.GetRawText(), "the drift report");
        Assert.DoesNotContain("rotated-secret-456", drift.GetRawText());
        using (var refresh = await app.Http.PostAsync($"api/assistants/{id}/refresh", null))
        {
            var body = (await BodyAsync(refresh, 200)).GetRawText();
            Assert.DoesNotContain("rotated-secret-456", body);
            AssertNoSecret(body, "the refresh answer");
        }
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Update_RedactedCopySentBack_KeepsTheSecretsOnVapi(Db db)
    {
        await using var app = AppHost.Start(db);
        var pid = await SimCreateAssistantAsync(app, ConfigWithSecrets());
        using var import = await app.Http.PostAsJsonAsync("api/assistants/import", new { providerAssistantId = pid });
        var shown = JsonNode.Parse((await BodyAsync(import, 201)).GetRawText())!.AsObject();
        var id = shown["id"]!.GetValue<long>();

        // An edit made from what we showed: the server object (placeholders and all) with a new timeout, and the credentials as shown.
        var server = shown["config"]!["server"]!.DeepClone().AsObject();
        server["timeoutSeconds"] = 25;
        using (var patch = await app.Http.PatchAsJsonAsync($"api/assistants/{id}", new
        {
            config = new JsonObject { ["server"] = server, ["credentials"] = shown["config"]!["credentials"]!.DeepClone(), ["firstMessage"] = "Edited" },
        }))
            AssertNoSecret((await BodyAsync(patch, 200)).GetRawText(), "the PATCH answer");

        var onVapi = (await SimGetAssistantAsync(app, pid))!;
        Assert.Equal("Edited", onVapi["firstMessage"]!.GetValue<string>());
        Assert.Equal(25, onVapi["server"]!["timeoutSeconds"]!.GetValue<int>());
        AssertSecretsIntact(app, onVapi);

        // Push from our copy after Vapi drifted: the secrets stay too.
        await SimPatchAssistantAsync(app, pid, new JsonObject { ["firstMessage"] = "Changed on Vapi" });
        using (var push = await app.Http.PostAsync($"api/assistants/{id}/push", null))
            AssertNoSecret((await BodyAsync(push, 200)).GetRawText(), "the push answer");
        onVapi = (await SimGetAssistantAsync(app, pid))!;
        Assert.Equal("Edited", onVapi["firstMessage"]!.GetValue<string>());
        AssertSecretsIntact(app, onVapi);

        // A placeholder where nothing was hidden (a new header) cannot be resolved: refused, naming the place; Vapi unchanged.
        var bad = JsonNode.Parse((await app.GetJsonAsync($"api/assistants/{id}")).GetProperty("config").GetProperty("server").GetRawText())!.AsObject();
        bad["headers"]!["X-New"] = AssistantSecrets.Placeholder;
        using (var refused = await app.Http.PatchAsJsonAsync($"api/assistants/{id}", new { config = new JsonObject { ["server"] = bad } }))
            await ProblemAsync(refused, 400, "server.headers.X-New");
        AssertSecretsIntact(app, (await SimGetAssistantAsync(app, pid))!);
        Assert.Null((await SimGetAssistantAsync(app, pid))!["server"]!["headers"]!["X-New"]);

        // Creating an assistant from a copied (redacted) configuration: refused, the secrets must be typed in.
        using (var copy = await app.Http.PostAsJsonAsync("api/assistants", new { name = "Copy", config = shown["config"]!.DeepClone() }))
            await ProblemAsync(copy, 400, "[redacted]");
    }

    private static void AssertSecretsIntact(AppHost app, JsonObject onVapi)
    {
        var server = onVapi["server"]!;
        Assert.Equal("server-secret-123", server["headers"]!["X-Webhook-Secret"]!.GetValue<string>());
        Assert.Equal("Bearer header-bearer-123", server["headers"]!["Authorization"]!.GetValue<string>());
        Assert.Equal("header-apikey-123", server["headers"]!["X-Api-Key"]!.GetValue<string>());
        // The URL itself is ours now: a server edited here reports back to AutoLynx (BindServer).
        Assert.Equal(app.BaseUrl.ToString().TrimEnd('/') + "/api/webhooks/vapi", server["url"]!.GetValue<string>());
        Assert.Equal("cred-apikey-123", onVapi["credentials"]![0]!["apiKey"]!.GetValue<string>());
        Assert.Equal("cred-token-123", onVapi["credentials"]![1]!["authenticationPlan"]!["token"]!.GetValue<string>());
        Assert.Equal("cred-hmac-123", onVapi["credentials"]![2]!["authenticationPlan"]!["secretKey"]!.GetValue<string>());
    }
}
