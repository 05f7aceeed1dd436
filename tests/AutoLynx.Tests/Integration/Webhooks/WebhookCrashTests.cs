using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutoLynx.Tests.Infrastructure;
using AutoLynx.VapiSimulator;

namespace AutoLynx.Tests.Integration.Webhooks;

/// <summary>kill -9 of the app process mid-campaign with an endpoint registered: after the restart every call.ended and the completion arrive.</summary>
public sealed class WebhookCrashTests
{
    [Fact]
    public async Task Sigkill_MidCampaign_NoWebhookLost()
    {
        const string secret = "crash-secret";
        var port = CrashRecoveryTests.FreePort();
        var baseUrl = new Uri($"http://127.0.0.1:{port}/");
        await using var receiver = new WebhookReceiver();
        await using var sim = await VapiSimulatorHost.StartAsync(new SimulatorOptions
        {
            TimeScale = 0.01, Seed = 5, WebhookSecret = secret, ConcurrencyLimit = 10, WebhookUrl = new Uri(baseUrl, "api/webhooks/vapi").ToString(),
        });
        var dbFile = Path.Combine(Path.GetTempPath(), $"autolynx-hookcrash-{Guid.NewGuid():N}.db");
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development", ["ASPNETCORE_URLS"] = baseUrl.ToString().TrimEnd('/'),
            ["Database__Provider"] = "Sqlite", ["ConnectionStrings__Default"] = $"Data Source={dbFile}",
            ["Vapi__BaseUrl"] = sim.BaseUrl.ToString(), ["Vapi__ApiKey"] = sim.Options.ApiKey, ["Vapi__WebhookSecret"] = secret,
            ["Dialer__TickSeconds"] = "2", ["Dialer__StuckAfter"] = "00:00:04", ["Vapi__RequestTimeout"] = "00:00:02",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Auth__BootstrapApiToken"] = "alx_hookcrash_test_token_0123456789", ["Auth__BootstrapAdminEmail"] = "ops@example.com",
        };
        foreach (var (k, v) in AppHost.RealAccountTestSettings) env[k.Replace(":", "__")] = v;
        foreach (var (k, v) in OutboundWebhookTests.FastRetries) env[k.Replace(":", "__")] = v!;
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", env["Auth__BootstrapApiToken"]);
        var app = AppProcess.Start(env);
        try
        {
            await CrashRecoveryTests.WaitHealthyAsync(http);
            await OutboundWebhookTests.RegisterAsync(http, receiver);
            using var simHttp = new HttpClient { BaseAddress = sim.BaseUrl };
            simHttp.DefaultRequestHeaders.Authorization = new("Bearer", sim.Options.ApiKey);
            var created = await (await simHttp.PostAsJsonAsync("assistant", new JsonObject { ["name"] = "Crash test" })).Content.ReadFromJsonAsync<JsonElement>();
            (await http.PostAsJsonAsync("api/assistants/import", new { providerAssistantId = created.GetProperty("id").GetString() })).EnsureSuccessStatusCode();
            var assistant = (await http.GetFromJsonAsync<JsonElement>("api/assistants"))[0].GetProperty("id").GetInt64();
            var line = (await http.GetFromJsonAsync<JsonElement>("api/phone-lines"))[0].GetProperty("id").GetInt64();
            using var form = AppHost.Multipart(AppHost.SampleCsv(30), ("name", "Crash"), ("assistantId", assistant.ToString()),
                ("phoneLineId", line.ToString()), ("cap", "5"));
            var campaign = (await (await http.PostAsync("api/campaigns", form)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("campaignId").GetInt64();
            (await http.PostAsync($"api/campaigns/{campaign}/start", null)).EnsureSuccessStatusCode();

            // Kill it once some results went out and more are under way.
            await AppHost.WaitUntilAsync(() => Task.FromResult(receiver.Accepted().Count(r => r.Type == "call.ended")), n => n >= 4, TimeSpan.FromSeconds(90), "four call.ended");
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
            app.Dispose();
            await Task.Delay(1000);
            app = AppProcess.Start(env);
            await CrashRecoveryTests.WaitHealthyAsync(http);

            await AppHost.WaitUntilAsync(async () => (await http.GetFromJsonAsync<JsonElement>($"api/campaigns/{campaign}")).GetProperty("status").GetString(),
                s => s == "COMPLETED", TimeSpan.FromMinutes(3), "COMPLETED");
            await AppHost.WaitUntilAsync(() => Task.FromResult(receiver.Accepted().Count(r => r.Type == "campaign.completed")), n => n == 1, what: "campaign.completed");
            var ended = OutboundWebhookTests.EndedCallIds(await http.GetFromJsonAsync<JsonElement>($"api/campaigns/{campaign}/calls"));
            var arrived = receiver.Accepted().Where(r => r.Type == "call.ended")
                .Select(r => r.Json.GetProperty("data").GetProperty("call").GetProperty("id").GetInt64()).ToList();
            Assert.Equal(ended.Order(), arrived.Distinct().Order());
            Assert.All(receiver.Requests, r => Assert.True(r.SignatureValid, r.VerifyError));
            Assert.Single(receiver.Accepted(), r => r.Type == "campaign.started");
        }
        finally
        {
            if (!app.HasExited) app.Kill(entireProcessTree: true);
            app.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in new[] { dbFile, dbFile + "-wal", dbFile + "-shm" }) try { File.Delete(f); } catch (IOException) { }
        }
    }
}
