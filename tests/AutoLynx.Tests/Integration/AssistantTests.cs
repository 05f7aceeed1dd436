using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutoLynx.Features.Demo;
using AutoLynx.Hosting;
using AutoLynx.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Tests.Integration;

/// <summary>
/// The assistant directory through HTTP, judged by what the simulated Vapi holds: create, import, edit, drift, delete,
/// templates, and Vapi's errors (400 message arrays, 401, 404, 5xx) as clear ProblemDetails. One app on SQLite for the
/// class; the tests where the database matters (concurrent edits and imports) run on SQLite and PostgreSQL below.
/// </summary>
public sealed class AssistantTests(AssistantTests.Host host) : IClassFixture<AssistantTests.Host>
{
    public sealed class Host : IAsyncLifetime
    {
        public AppHost App { get; private set; } = null!;
        public Task InitializeAsync() { App = AppHost.Start(Db.Sqlite); return Task.CompletedTask; }
        public async Task DisposeAsync() => await App.DisposeAsync();
    }

    private AppHost App => host.App;

    // ---- templates ----

    [Fact]
    public async Task Templates_List_FiveCompleteColdCallingTemplatesWithVariables()
    {
        var templates = (await App.GetJsonAsync("api/assistant-templates")).EnumerateArray().ToList();

        Assert.True(templates.Count >= 5, $"{templates.Count} templates");
        var ids = templates.Select(t => t.GetProperty("id").GetString()).ToList();
        Assert.Subset(ids.ToHashSet(), new HashSet<string?> { "appointment-setting", "lead-qualification", "follow-up", "survey", "win-back" });
        Assert.All(templates, t =>
        {
            Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("name").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("description").GetString()));
            var config = t.GetProperty("config");
            var first = config.GetProperty("firstMessage").GetString()!;
            var prompt = config.GetProperty("model").GetProperty("messages")[0].GetProperty("content").GetString()!;
            Assert.Equal("system", config.GetProperty("model").GetProperty("messages")[0].GetProperty("role").GetString());
            Assert.Contains("{{name}}", first + prompt);
            Assert.Contains("{{business_name}}", first + prompt);
            Assert.True(prompt.Length > 400, $"{t.GetProperty("id")}: prompt too thin ({prompt.Length} chars)");
            Assert.False(string.IsNullOrWhiteSpace(config.GetProperty("voice").GetProperty("voiceId").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(config.GetProperty("voicemailMessage").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(config.GetProperty("endCallMessage").GetString()));
            Assert.InRange(config.GetProperty("maxDurationSeconds").GetInt32(), 60, 1800);
        });
    }

    [Theory]
    [InlineData("appointment-setting")]
    [InlineData("lead-qualification")]
    [InlineData("follow-up")]
    [InlineData("survey")]
    [InlineData("win-back")]
    public async Task Create_FromTemplate_VapiAcceptsItAndSourceIsTemplate(string templateId)
    {
        using var resp = await App.Http.PostAsJsonAsync("api/assistants", new { name = $"T {templateId}", templateId });
        var body = await BodyAsync(resp, 201);

        Assert.Equal("template", body.GetProperty("source").GetString());
        Assert.Equal($"T {templateId}", body.GetProperty("name").GetString());
        var onVapi = await SimGetAssistantAsync(body.GetProperty("providerAssistantId").GetString()!);
        Assert.Equal($"T {templateId}", onVapi!["name"]!.GetValue<string>());
        Assert.Contains("{{business_name}}", onVapi.ToJsonString());
    }

    // ---- create ----

    [Fact]
    public async Task Create_FromConfig_PostsOnceStoresProviderIdAndConfig()
    {
        var before = await SimAssistantCountAsync();
        using var resp = await App.Http.PostAsJsonAsync("api/assistants", new { name = "Ann's setter", config = SampleConfig("Hi {{name}}!") });
        var created = await BodyAsync(resp, 201);

        Assert.Equal(before + 1, await SimAssistantCountAsync());
        var id = created.GetProperty("id").GetInt64();
        var pid = created.GetProperty("providerAssistantId").GetString()!;
        Assert.True(Guid.TryParse(pid, out _), pid);
        Assert.Equal("local", created.GetProperty("source").GetString());
        Assert.True(created.GetProperty("active").GetBoolean());
        Assert.Equal("Hi {{name}}!", created.GetProperty("config").GetProperty("firstMessage").GetString());
        Assert.Equal($"/api/assistants/{id}", resp.Headers.Location?.ToString());

        using var get = await App.Http.GetAsync($"api/assistants/{id}");
        var fetched = await BodyAsync(get, 200);
        Assert.Equal(pid, fetched.GetProperty("providerAssistantId").GetString());
        Assert.Equal("Ann's setter", fetched.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Object, fetched.GetProperty("config").ValueKind);
        Assert.Equal(0.3, fetched.GetProperty("config").GetProperty("model").GetProperty("temperature").GetDouble());
        Assert.Equal($"\"{fetched.GetProperty("version").GetInt64()}\"", get.Headers.ETag?.ToString());
        Assert.True(await App.WithDbAsync(d => d.AuditLog.AnyAsync(x => x.Action == "assistant.create" && x.EntityId == id.ToString())));
    }

    [Fact]
    public async Task Create_ServerUrlIsOurWebhook_CallsReportBackThroughIt()
    {
        using var resp = await App.Http.PostAsJsonAsync("api/assistants", new { name = "Webhook check", config = SampleConfig("Hello") });
        var created = await BodyAsync(resp, 201);
        var pid = created.GetProperty("providerAssistantId").GetString()!;

        var onVapi = await SimGetAssistantAsync(pid);
        Assert.Equal(App.BaseUrl.ToString().TrimEnd('/') + "/api/webhooks/vapi", onVapi!["server"]!["url"]!.GetValue<string>());
        Assert.Equal(App.WebhookSecret, onVapi["server"]!["headers"]!["X-Vapi-Secret"]!.GetValue<string>());
        // The secret is configuration, never shown or stored.
        Assert.DoesNotContain(App.WebhookSecret, created.GetRawText());
        Assert.DoesNotContain(App.WebhookSecret, await App.WithDbAsync(d => d.Assistants.Where(a => a.ProviderAssistantId == pid).Select(a => a.ConfigJson).FirstAsync()));

        // With no org-level server URL, only the assistant's own server URL can bring the results back.
        var sim = App.Service<DemoEnvironment>().Simulator!;
        var orgUrl = sim.Options.WebhookUrl;
        sim.Options.WebhookUrl = null;
        try
        {
            var campaignId = await CreateCampaignAsync(created.GetProperty("id").GetInt64(), AppHost.SampleCsv(2, firstNumber: 7100));
            using (var start = await App.Http.PostAsync($"api/campaigns/{campaignId}/start", null)) await BodyAsync(start, 200);
            var done = await App.WaitForStatusAsync(campaignId, "COMPLETED", TimeSpan.FromMinutes(2));
            Assert.Equal(2, done.GetProperty("counters").GetProperty("completed").GetInt32() + done.GetProperty("counters").GetProperty("failed").GetInt32());
            Assert.True(await App.WithDbAsync(d => d.CallEvents.AnyAsync(e => e.CampaignId == campaignId && e.Type == "end-of-call-report")));
        }
        finally
        {
            sim.Options.WebhookUrl = orgUrl;
        }
    }

    [Fact]
    public async Task Create_VapiRejectsConfig_422WithVapiMessagesAndNothingStored()
    {
        var rows = await App.WithDbAsync(d => d.Assistants.CountAsync());
        var config = SampleConfig("Hi");
        config["colour"] = "blue";
        config["maxDurationSeconds"] = 5;

        using var resp = await App.Http.PostAsJsonAsync("api/assistants", new { name = "Bad", config });
        var problem = await ProblemAsync(resp, 422, "property colour should not exist");

        var messages = problem.GetProperty("vapiMessages").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Contains("property colour should not exist", messages);
        Assert.Contains("maxDurationSeconds must not be less than 10", messages);
        Assert.Equal("Vapi rejected the assistant", problem.GetProperty("title").GetString());
        Assert.Equal(rows, await App.WithDbAsync(d => d.Assistants.CountAsync()));
    }

    [Fact]
    public async Task Create_InvalidRequests_400SaysWhichField()
    {
        using (var r = await App.Http.PostAsJsonAsync("api/assistants", new { name = "No config" }))
            Assert.True((await ProblemAsync(r, 400)).GetProperty("errors").TryGetProperty("config", out _));
        using (var r = await App.Http.PostAsJsonAsync("api/assistants", new { name = "Array", config = new[] { 1, 2 } }))
            Assert.True((await ProblemAsync(r, 400)).GetProperty("errors").TryGetProperty("config", out _));
        using (var r = await App.Http.PostAsJsonAsync("api/assistants", new { name = new string('x', 41), templateId = "survey" }))
            Assert.Contains("40 characters", (await ProblemAsync(r, 400)).GetProperty("errors").GetProperty("name")[0].GetString());
        using (var r = await App.Http.PostAsJsonAsync("api/assistants", new { name = "X", templateId = "cold-pizza" }))
            Assert.Contains("no template", (await ProblemAsync(r, 400)).GetProperty("errors").GetProperty("templateId")[0].GetString());
        using (var r = await App.Http.PostAsync("api/assistants", new StringContent("{not json", Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
    }

    // ---- import ----

    [Fact]
    public async Task Import_ById_AddsThenUpdatesNeverDuplicates()
    {
        var pid = await SimCreateAssistantAsync(new JsonObject { ["name"] = "Made on Vapi", ["firstMessage"] = "Hi there" });

        using var first = await App.Http.PostAsJsonAsync("api/assistants/import", new { providerAssistantId = pid });
        var imported = await BodyAsync(first, 201);
        Assert.Equal("imported", imported.GetProperty("source").GetString());
        Assert.Equal("Made on Vapi", imported.GetProperty("name").GetString());
        Assert.Equal("Hi there", imported.GetProperty("config").GetProperty("firstMessage").GetString());

        await SimPatchAssistantAsync(pid, new JsonObject { ["name"] = "Renamed on Vapi", ["firstMessage"] = "Hello again" });
        using var second = await App.Http.PostAsJsonAsync("api/assistants/import", new { providerAssistantId = pid });
        var updated = await BodyAsync(second, 200);

        Assert.Equal(imported.GetProperty("id").GetInt64(), updated.GetProperty("id").GetInt64());
        Assert.Equal("Renamed on Vapi", updated.GetProperty("name").GetString());
        Assert.Equal("Hello again", updated.GetProperty("config").GetProperty("firstMessage").GetString());
        Assert.Equal(1, await App.WithDbAsync(d => d.Assistants.CountAsync(a => a.ProviderAssistantId == pid)));
    }

    [Fact]
    public async Task Import_UnknownOrEmptyId_SaysSo()
    {
        var unknown = Guid.NewGuid().ToString();
        using var resp = await App.Http.PostAsJsonAsync("api/assistants/import", new { providerAssistantId = unknown });
        var problem = await ProblemAsync(resp, 404, $"Vapi has no assistant with id {unknown}");
        Assert.Contains("Assistant not found", problem.GetProperty("vapiMessages")[0].GetString());

        using var empty = await App.Http.PostAsJsonAsync("api/assistants/import", new { providerAssistantId = "  " });
        Assert.True((await ProblemAsync(empty, 400)).GetProperty("errors").TryGetProperty("providerAssistantId", out _));
    }

    // ---- edit ----

    [Fact]
    public async Task Update_PatchesVapiThenLocalAndBumpsVersion()
    {
        var (id, pid, version) = await CreateAsync("Editable");

        using var resp = await App.Http.PatchAsJsonAsync($"api/assistants/{id}",
            new { name = "Edited", config = new { firstMessage = "New opener for {{name}}" }, version });
        var updated = await BodyAsync(resp, 200);

        Assert.Equal("Edited", updated.GetProperty("name").GetString());
        Assert.Equal("New opener for {{name}}", updated.GetProperty("config").GetProperty("firstMessage").GetString());
        Assert.True(updated.GetProperty("version").GetInt64() > version);
        var onVapi = await SimGetAssistantAsync(pid);
        Assert.Equal("Edited", onVapi!["name"]!.GetValue<string>());
        Assert.Equal("New opener for {{name}}", onVapi["firstMessage"]!.GetValue<string>());
        Assert.Equal("gpt-4.1", onVapi["model"]!["model"]!.GetValue<string>()); // untouched fields stay

        // null removes a field, on Vapi and here.
        using var remove = await App.Http.PatchAsync($"api/assistants/{id}", Json("""{"config":{"endCallMessage":null}}"""));
        var removed = await BodyAsync(remove, 200);
        Assert.False(removed.GetProperty("config").TryGetProperty("endCallMessage", out _));
        Assert.Null((await SimGetAssistantAsync(pid))!["endCallMessage"]);
    }

    [Fact]
    public async Task Update_StaleVersion_409ByIfMatchOrField_VapiUntouched()
    {
        var (id, pid, version) = await CreateAsync("Two editors");
        using (var first = await App.Http.PatchAsJsonAsync($"api/assistants/{id}", new { config = new { firstMessage = "Editor one" }, version }))
            await BodyAsync(first, 200);

        using var byField = await App.Http.PatchAsJsonAsync($"api/assistants/{id}", new { config = new { firstMessage = "Editor two" }, version });
        await ProblemAsync(byField, 409, "Someone else changed");

        using var req = new HttpRequestMessage(HttpMethod.Patch, $"api/assistants/{id}") { Content = Json("""{"config":{"firstMessage":"Editor two"}}""") };
        req.Headers.TryAddWithoutValidation("If-Match", $"\"{version}\"");
        using var byHeader = await App.Http.SendAsync(req);
        await ProblemAsync(byHeader, 409, "Someone else changed");

        Assert.Equal("Editor one", (await SimGetAssistantAsync(pid))!["firstMessage"]!.GetValue<string>());
        var local = await App.GetJsonAsync($"api/assistants/{id}");
        Assert.Equal("Editor one", local.GetProperty("config").GetProperty("firstMessage").GetString());
    }

    [Fact]
    public async Task Update_VapiRejects_LocalCopyUnchangedAndVapiMessageShown()
    {
        var (id, pid, version) = await CreateAsync("Strict");
        var before = await App.GetJsonAsync($"api/assistants/{id}");

        using var resp = await App.Http.PatchAsJsonAsync($"api/assistants/{id}", new { config = new { maxDurationSeconds = 1, firstMessage = "x" }, version });
        var problem = await ProblemAsync(resp, 422, "maxDurationSeconds must not be less than 10");
        Assert.Equal("Vapi rejected the assistant", problem.GetProperty("title").GetString());

        var after = await App.GetJsonAsync($"api/assistants/{id}");
        Assert.Equal(before.GetRawText(), after.GetRawText());
        Assert.Equal(600, (await SimGetAssistantAsync(pid))!["maxDurationSeconds"]!.GetValue<int>());
        // The claim was released: the same version still edits.
        using var retry = await App.Http.PatchAsJsonAsync($"api/assistants/{id}", new { config = new { maxDurationSeconds = 120 }, version });
        await BodyAsync(retry, 200);
    }

    [Fact]
    public async Task Update_Inactive_NotOfferedForNewCampaigns()
    {
        var (id, _, version) = await CreateAsync("Soon inactive");
        using (var off = await App.Http.PatchAsJsonAsync($"api/assistants/{id}", new { active = false, version }))
            Assert.False((await BodyAsync(off, 200)).GetProperty("active").GetBoolean());

        var active = (await App.GetJsonAsync("api/assistants?active=true")).EnumerateArray().Select(a => a.GetProperty("id").GetInt64()).ToList();
        Assert.DoesNotContain(id, active);
        Assert.Contains(id, (await App.GetJsonAsync("api/assistants")).EnumerateArray().Select(a => a.GetProperty("id").GetInt64()));

        var lines = await App.GetJsonAsync("api/phone-lines");
        using var form = AppHost.Multipart(AppHost.SampleCsv(1), ("name", "With inactive"), ("assistantId", id.ToString()),
            ("phoneLineId", lines[0].GetProperty("id").GetInt64().ToString()));
        using var resp = await App.Http.PostAsync("api/campaigns", form);
        Assert.Contains("inactive", (await ProblemAsync(resp, 400)).GetProperty("errors").GetProperty("assistantId")[0].GetString());
    }

    // ---- Vapi's errors ----

    [Fact]
    public async Task VapiRefusesKey_502SaysSoAndNothingStored()
    {
        var connection = App.Service<VapiConnection>();
        var key = connection.ApiKey;
        var rows = await App.WithDbAsync(d => d.Assistants.CountAsync());
        connection.ApiKey = "not-the-key";
        try
        {
            using var resp = await App.Http.PostAsJsonAsync("api/assistants", new { name = "No key", templateId = "survey" });
            var problem = await ProblemAsync(resp, 502, "Invalid Key");
            Assert.Equal("Vapi refused AutoLynx's API key", problem.GetProperty("title").GetString());

            using var import = await App.Http.PostAsJsonAsync("api/assistants/import", new { providerAssistantId = Guid.NewGuid().ToString() });
            await ProblemAsync(import, 502, "Invalid Key");
        }
        finally
        {
            connection.ApiKey = key;
        }
        Assert.Equal(rows, await App.WithDbAsync(d => d.Assistants.CountAsync()));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task Vapi5xxOnEdit_502WithVapiMessageAndLocalUnchanged(int status)
    {
        var (id, pid, version) = await CreateAsync($"Flaky {status}");
        await ScriptFaultAsync("PATCH", "/assistant/", status, "upstream exploded");

        using var resp = await App.Http.PatchAsJsonAsync($"api/assistants/{id}", new { config = new { firstMessage = "Never stored" }, version });
        var problem = await ProblemAsync(resp, 502, "upstream exploded");
        Assert.Contains($"Vapi answered {status}", problem.GetProperty("detail").GetString());
        Assert.Equal("Vapi is having trouble", problem.GetProperty("title").GetString());

        var local = await App.GetJsonAsync($"api/assistants/{id}");
        Assert.Equal(version, local.GetProperty("version").GetInt64());
        Assert.Equal("Hello", local.GetProperty("config").GetProperty("firstMessage").GetString());
        Assert.Equal("Hello", (await SimGetAssistantAsync(pid))!["firstMessage"]!.GetValue<string>());
    }

    [Fact]
    public async Task Vapi5xxOnCreateAnd429_ClearMessages()
    {
        await ScriptFaultAsync("POST", "/assistant", 500, "Internal server error");
        using (var resp = await App.Http.PostAsJsonAsync("api/assistants", new { name = "Later", templateId = "follow-up" }))
            await ProblemAsync(resp, 502, "Vapi answered 500");

        await ScriptFaultAsync("GET", "/assistant/", 429, "Rate limit exceeded", retryAfterSeconds: 7);
        using var limited = await App.Http.PostAsJsonAsync("api/assistants/import", new { providerAssistantId = Guid.NewGuid().ToString() });
        var problem = await ProblemAsync(limited, 503, "Rate limit exceeded");
        Assert.Equal("rate-limited", problem.GetProperty("code").GetString());
        Assert.Equal(TimeSpan.FromSeconds(7), limited.Headers.RetryAfter?.Delta); // Vapi's Retry-After, passed on to the API client
    }

    // ---- drift ----

    [Fact]
    public async Task Drift_ChangedOnVapi_ShownThenRefreshTakesVapisOrPushRestoresOurs()
    {
        var (id, pid, _) = await CreateAsync("Drifter");
        var inSync = await App.GetJsonAsync($"api/assistants/{id}/drift");
        Assert.True(inSync.GetProperty("inSync").GetBoolean(), inSync.GetRawText());

        await SimPatchAssistantAsync(pid, new JsonObject { ["firstMessage"] = "Changed in the Vapi dashboard", ["endCallPhrases"] = new JsonArray("ciao") });
        var drift = await App.GetJsonAsync($"api/assistants/{id}/drift");
        Assert.False(drift.GetProperty("inSync").GetBoolean());
        var fields = drift.GetProperty("differences").EnumerateArray().ToDictionary(d => d.GetProperty("field").GetString()!);
        Assert.Equal(new[] { "endCallPhrases", "firstMessage" }, fields.Keys.Order());
        Assert.Equal("Hello", fields["firstMessage"].GetProperty("ours").GetString());
        Assert.Equal("Changed in the Vapi dashboard", fields["firstMessage"].GetProperty("vapi").GetString());
        Assert.Equal(JsonValueKind.Null, fields["endCallPhrases"].GetProperty("ours").ValueKind);
        Assert.Contains("firstMessage", drift.GetProperty("message").GetString());

        // Push: Vapi gets ours back (the added field removed).
        using (var push = await App.Http.PostAsync($"api/assistants/{id}/push", null)) await BodyAsync(push, 200);
        var restored = await SimGetAssistantAsync(pid);
        Assert.Equal("Hello", restored!["firstMessage"]!.GetValue<string>());
        Assert.Null(restored["endCallPhrases"]);
        Assert.True((await App.GetJsonAsync($"api/assistants/{id}/drift")).GetProperty("inSync").GetBoolean());

        // Refresh: ours takes Vapi's.
        await SimPatchAssistantAsync(pid, new JsonObject { ["firstMessage"] = "Vapi wins" });
        using var refresh = await App.Http.PostAsync($"api/assistants/{id}/refresh", null);
        var refreshed = await BodyAsync(refresh, 200);
        Assert.Equal("firstMessage", refreshed.GetProperty("differences")[0].GetProperty("field").GetString());
        Assert.Equal("Vapi wins", (await App.GetJsonAsync($"api/assistants/{id}")).GetProperty("config").GetProperty("firstMessage").GetString());
        Assert.True((await App.GetJsonAsync($"api/assistants/{id}/drift")).GetProperty("inSync").GetBoolean());
    }

    [Fact]
    public async Task Drift_DeletedOnVapi_SaysGoneAndEditAnswers404()
    {
        var (id, pid, version) = await CreateAsync("Vanishing");
        await SimDeleteAssistantAsync(pid);

        var drift = await App.GetJsonAsync($"api/assistants/{id}/drift");
        Assert.False(drift.GetProperty("existsOnVapi").GetBoolean());
        Assert.Contains("no longer exists on Vapi", drift.GetProperty("message").GetString());

        using var patch = await App.Http.PatchAsJsonAsync($"api/assistants/{id}", new { config = new { firstMessage = "x" }, version });
        await ProblemAsync(patch, 404, "no longer exists on Vapi");
        using var refresh = await App.Http.PostAsync($"api/assistants/{id}/refresh", null);
        await ProblemAsync(refresh, 404, "no longer exists on Vapi");
        Assert.Equal(version, (await App.GetJsonAsync($"api/assistants/{id}")).GetProperty("version").GetInt64());
    }

    // ---- delete ----

    [Fact]
    public async Task Delete_UsedByUnfinishedCampaign_409NamesItThenAllowedOnceStopped()
    {
        var (id, pid, _) = await CreateAsync("In use");
        var campaignId = await CreateCampaignAsync(id, AppHost.SampleCsv(1, firstNumber: 7200), "Spring outreach");

        using (var blocked = await App.Http.DeleteAsync($"api/assistants/{id}"))
        {
            var problem = await ProblemAsync(blocked, 409, "\"Spring outreach\" (created)");
            Assert.Equal(campaignId, problem.GetProperty("campaigns")[0].GetProperty("id").GetInt64());
        }
        Assert.NotNull(await SimGetAssistantAsync(pid));

        using (var stop = await App.Http.PostAsync($"api/campaigns/{campaignId}/stop", null)) await BodyAsync(stop, 200);
        using (var del = await App.Http.DeleteAsync($"api/assistants/{id}")) Assert.Equal(HttpStatusCode.NoContent, del.StatusCode);

        using (var gone = await App.Http.GetAsync($"api/assistants/{id}")) await ProblemAsync(gone, 404);
        Assert.DoesNotContain(id, (await App.GetJsonAsync("api/assistants")).EnumerateArray().Select(a => a.GetProperty("id").GetInt64()));
        Assert.NotNull(await SimGetAssistantAsync(pid)); // only here, not on Vapi
        Assert.Equal("In use", (await App.GetJsonAsync($"api/campaigns/{campaignId}")).GetProperty("assistantName").GetString());

        // Importing its id again brings the same row back.
        using var back = await App.Http.PostAsJsonAsync("api/assistants/import", new { providerAssistantId = pid });
        var restored = await BodyAsync(back, 200);
        Assert.Equal(id, restored.GetProperty("id").GetInt64());
        Assert.True(restored.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Delete_AlsoOnVapi_GoneThereToo()
    {
        var (id, pid, version) = await CreateAsync("Fully gone");
        using (var stale = await App.Http.DeleteAsync($"api/assistants/{id}?alsoOnVapi=true&version={version + 5}")) await ProblemAsync(stale, 409);
        Assert.NotNull(await SimGetAssistantAsync(pid));

        using var del = await App.Http.DeleteAsync($"api/assistants/{id}?alsoOnVapi=true");
        Assert.Equal(HttpStatusCode.NoContent, del.StatusCode);
        Assert.Null(await SimGetAssistantAsync(pid));
        Assert.True(await App.WithDbAsync(d => d.AuditLog.AnyAsync(x => x.Action == "assistant.delete" && x.EntityId == id.ToString())));
    }

    // ---- selection and start ----

    [Fact]
    public async Task Start_AssistantGoneOnVapi_PausedWithClearReasonNoCallPlaced()
    {
        var (id, pid, _) = await CreateAsync("Deleted in dashboard");
        var campaignId = await CreateCampaignAsync(id, AppHost.SampleCsv(3, firstNumber: 7300));
        await SimDeleteAssistantAsync(pid);

        using var start = await App.Http.PostAsync($"api/campaigns/{campaignId}/start", null);
        var summary = await BodyAsync(start, 200);

        Assert.Equal("PAUSED", summary.GetProperty("status").GetString());
        var reason = summary.GetProperty("statusReason").GetString()!;
        Assert.Contains("\"Deleted in dashboard\" no longer exists on Vapi", reason);
        Assert.Contains("No call was placed", reason);
        await Task.Delay(1500);
        Assert.Equal(0, await App.WithDbAsync(d => d.Calls.CountAsync(c => c.CampaignId == campaignId)));
        Assert.Equal("PAUSED", (await App.GetJsonAsync($"api/campaigns/{campaignId}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task OpenApi_DescribesTheAssistantEndpoints()
    {
        using var resp = await App.Http.GetAsync("openapi/v1.json");
        var text = await resp.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        foreach (var path in new[] { "/api/assistants", "/api/assistants/import", "/api/assistants/{id}", "/api/assistants/{id}/drift", "/api/assistant-templates" })
            Assert.Contains($"\"{path}\"", text);
    }

    // ---- helpers ----

    private static JsonObject SampleConfig(string firstMessage) => new()
    {
        ["firstMessage"] = firstMessage,
        ["model"] = new JsonObject
        {
            ["provider"] = "openai", ["model"] = "gpt-4.1", ["temperature"] = 0.3,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "system", ["content"] = "You call {{name}} at {{business_name}}." }),
        },
        ["voice"] = new JsonObject { ["provider"] = "11labs", ["voiceId"] = "21m00Tcm4TlvDq8ikWAM" },
        ["endCallMessage"] = "Bye!",
        ["maxDurationSeconds"] = 600,
    };

    private async Task<(long Id, string ProviderId, long Version)> CreateAsync(string name)
    {
        using var resp = await App.Http.PostAsJsonAsync("api/assistants", new { name, config = SampleConfig("Hello") });
        var body = await BodyAsync(resp, 201);
        return (body.GetProperty("id").GetInt64(), body.GetProperty("providerAssistantId").GetString()!, body.GetProperty("version").GetInt64());
    }

    private async Task<long> CreateCampaignAsync(long assistantId, string csv, string name = "Assistant test campaign")
    {
        var lines = await App.GetJsonAsync("api/phone-lines");
        using var form = AppHost.Multipart(csv, ("name", name), ("assistantId", assistantId.ToString()),
            ("phoneLineId", lines[0].GetProperty("id").GetInt64().ToString()), ("cap", "2"));
        using var resp = await App.Http.PostAsync("api/campaigns", form);
        return (await BodyAsync(resp, 201)).GetProperty("campaignId").GetInt64();
    }

    internal static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    internal static async Task<JsonElement> BodyAsync(HttpResponseMessage resp, int status)
    {
        var body = await resp.Content.ReadAsStringAsync();
        Assert.True((int)resp.StatusCode == status, $"expected {status}, got {(int)resp.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    internal static async Task<JsonElement> ProblemAsync(HttpResponseMessage resp, int status, string? detailContains = null)
    {
        var json = await BodyAsync(resp, status);
        Assert.Contains("problem+json", resp.Content.Headers.ContentType?.MediaType ?? "");
        if (detailContains is not null)
            Assert.Contains(detailContains, json.GetProperty("detail").GetString() ?? "", StringComparison.OrdinalIgnoreCase);
        return json;
    }

    // The simulated Vapi, called the way Vapi's dashboard would change things behind AutoLynx's back.
    private Task<JsonObject?> SimGetAssistantAsync(string pid) => SimGetAssistantAsync(App, pid);

    internal static async Task<JsonObject?> SimGetAssistantAsync(AppHost app, string pid)
    {
        using var resp = await app.Simulator.SendAsync(SimRequest(HttpMethod.Get, $"assistant/{pid}"));
        if (resp.StatusCode == HttpStatusCode.NotFound) return null;
        resp.EnsureSuccessStatusCode();
        return JsonNode.Parse(await resp.Content.ReadAsStringAsync()) as JsonObject;
    }

    private async Task<int> SimAssistantCountAsync()
    {
        using var resp = await App.Simulator.SendAsync(SimRequest(HttpMethod.Get, "assistant?limit=1000"));
        resp.EnsureSuccessStatusCode();
        return (JsonNode.Parse(await resp.Content.ReadAsStringAsync()) as JsonArray)!.Count;
    }

    internal static async Task<string> SimCreateAssistantAsync(AppHost app, JsonObject body)
    {
        using var resp = await app.Simulator.SendAsync(SimRequest(HttpMethod.Post, "assistant", body));
        resp.EnsureSuccessStatusCode();
        return JsonNode.Parse(await resp.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
    }

    private Task<string> SimCreateAssistantAsync(JsonObject body) => SimCreateAssistantAsync(App, body);

    private Task SimPatchAssistantAsync(string pid, JsonObject body) => SimPatchAssistantAsync(App, pid, body);

    internal static async Task SimPatchAssistantAsync(AppHost app, string pid, JsonObject body)
    {
        using var resp = await app.Simulator.SendAsync(SimRequest(HttpMethod.Patch, $"assistant/{pid}", body));
        resp.EnsureSuccessStatusCode();
    }

    private async Task SimDeleteAssistantAsync(string pid)
    {
        using var resp = await App.Simulator.SendAsync(SimRequest(HttpMethod.Delete, $"assistant/{pid}"));
        resp.EnsureSuccessStatusCode();
    }

    /// <summary>The next matching request the app sends to Vapi gets this status (POST /_sim/faults/next).</summary>
    private async Task ScriptFaultAsync(string method, string path, int status, string message, int? retryAfterSeconds = null)
    {
        using var resp = await App.Simulator.PostAsJsonAsync("_sim/faults/next", new { method, path, status, message, retryAfter = retryAfterSeconds });
        resp.EnsureSuccessStatusCode();
    }

    internal static HttpRequestMessage SimRequest(HttpMethod method, string path, JsonObject? body = null)
    {
        var req = new HttpRequestMessage(method, path);
        req.Headers.Authorization = new("Bearer", "sim-private-key");
        if (body is not null) req.Content = Json(body.ToJsonString());
        return req;
    }
}

/// <summary>Where the database decides the outcome: concurrent edits and concurrent imports, on SQLite and PostgreSQL.</summary>
public sealed class AssistantConcurrencyTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Update_TwoEditorsSameVersion_ExactlyOneWinsAndCopiesAgree(Db db)
    {
        await using var app = AppHost.Start(db);
        using var created = await app.Http.PostAsJsonAsync("api/assistants", new { name = "Contested", templateId = "survey" });
        var body = await AssistantTests.BodyAsync(created, 201);
        var id = body.GetProperty("id").GetInt64();
        var pid = body.GetProperty("providerAssistantId").GetString()!;

        for (var round = 0; round < 3; round++)
        {
            var version = (await app.GetJsonAsync($"api/assistants/{id}")).GetProperty("version").GetInt64();
            var edits = Enumerable.Range(0, 2).Select(async editor =>
            {
                using var resp = await app.Http.PatchAsJsonAsync($"api/assistants/{id}",
                    new { config = new { firstMessage = $"round {round} editor {editor}" }, version });
                return (int)resp.StatusCode;
            }).ToList();
            var codes = (await Task.WhenAll(edits)).Order().ToArray();

            Assert.Equal(new[] { 200, 409 }, codes);
            var local = (await app.GetJsonAsync($"api/assistants/{id}")).GetProperty("config").GetProperty("firstMessage").GetString();
            var onVapi = (await AssistantTests.SimGetAssistantAsync(app, pid))!["firstMessage"]!.GetValue<string>();
            Assert.Equal(onVapi, local);
            Assert.StartsWith($"round {round} editor ", local);
            Assert.True((await app.GetJsonAsync($"api/assistants/{id}/drift")).GetProperty("inSync").GetBoolean());
        }
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Import_SameIdConcurrently_OneRowAndDeleteGuard(Db db)
    {
        await using var app = AppHost.Start(db);
        var pid = await AssistantTests.SimCreateAssistantAsync(app, new JsonObject { ["name"] = "Imported twice", ["firstMessage"] = "Hi" });

        var imports = Enumerable.Range(0, 4).Select(async _ =>
        {
            using var resp = await app.Http.PostAsJsonAsync("api/assistants/import", new { providerAssistantId = pid });
            var json = await resp.Content.ReadAsStringAsync();
            Assert.True(resp.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, json);
            return (int)resp.StatusCode;
        });
        var codes = await Task.WhenAll(imports);

        Assert.Equal(1, await app.WithDbAsync(d => d.Assistants.CountAsync(a => a.ProviderAssistantId == pid)));
        Assert.Contains(201, codes);
        var id = await app.WithDbAsync(d => d.Assistants.Where(a => a.ProviderAssistantId == pid).Select(a => a.Id).FirstAsync());

        // The delete guard reads campaigns on this database too.
        var lines = await app.GetJsonAsync("api/phone-lines");
        using var form = AppHost.Multipart(AppHost.SampleCsv(1), ("name", "Guarding"), ("assistantId", id.ToString()),
            ("phoneLineId", lines[0].GetProperty("id").GetInt64().ToString()));
        using (var c = await app.Http.PostAsync("api/campaigns", form)) await AssistantTests.BodyAsync(c, 201);
        using var del = await app.Http.DeleteAsync($"api/assistants/{id}");
        await AssistantTests.ProblemAsync(del, 409, "\"Guarding\"");
    }
}

/// <summary>Demo mode: the simulator forgets everything on restart; the directory does not, and is re-created there.</summary>
public sealed class AssistantDemoRestartTests
{
    [Fact]
    public async Task Restart_StoredAssistantsRecreatedOnFreshSimulator_AndStillCall()
    {
        var file = Path.Combine(Path.GetTempPath(), $"autolynx-restart-{Guid.NewGuid():N}.db");
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Default"] = $"Data Source={file}" };
        try
        {
            long id;
            string firstPid;
            await using (var first = AppHost.Start(Db.Sqlite, settings))
            {
                using var created = await first.Http.PostAsJsonAsync("api/assistants", new { name = "Survives restart", templateId = "follow-up" });
                var body = await AssistantTests.BodyAsync(created, 201);
                id = body.GetProperty("id").GetInt64();
                firstPid = body.GetProperty("providerAssistantId").GetString()!;
                Assert.StartsWith(first.BaseUrl.ToString().TrimEnd('/'), body.GetProperty("config").GetProperty("server").GetProperty("url").GetString());
            }

            await using var second = AppHost.Start(Db.Sqlite, settings);
            var again = await second.GetJsonAsync($"api/assistants/{id}");
            var pid = again.GetProperty("providerAssistantId").GetString()!;
            Assert.NotEqual(firstPid, pid);
            var onVapi = await AssistantTests.SimGetAssistantAsync(second, pid);
            Assert.Equal("Survives restart", onVapi!["name"]!.GetValue<string>());
            // The first run's address is gone; the assistant does not point at it any more.
            Assert.DoesNotContain("server", again.GetProperty("config").EnumerateObject().Select(p => p.Name));
            Assert.True((await second.GetJsonAsync($"api/assistants/{id}/drift")).GetProperty("inSync").GetBoolean());

            var lines = await second.GetJsonAsync("api/phone-lines");
            using var form = AppHost.Multipart(AppHost.SampleCsv(2, firstNumber: 7400), ("name", "After restart"), ("assistantId", id.ToString()),
                ("phoneLineId", lines[0].GetProperty("id").GetInt64().ToString()));
            using var c = await second.Http.PostAsync("api/campaigns", form);
            var campaignId = (await AssistantTests.BodyAsync(c, 201)).GetProperty("campaignId").GetInt64();
            using (var start = await second.Http.PostAsync($"api/campaigns/{campaignId}/start", null)) await AssistantTests.BodyAsync(start, 200);
            await second.WaitForStatusAsync(campaignId, "COMPLETED", TimeSpan.FromMinutes(2));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in new[] { file, file + "-wal", file + "-shm" }) try { File.Delete(f); } catch (IOException) { }
        }
    }
}
