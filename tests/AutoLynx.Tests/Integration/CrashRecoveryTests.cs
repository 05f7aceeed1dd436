using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutoLynx.Tests.Infrastructure;
using AutoLynx.VapiSimulator;

namespace AutoLynx.Tests.Integration;

/// <summary>
/// kill -9 of the real app process in the middle of a campaign, then a restart: the campaign completes, every
/// contact is called exactly once (by the simulator's count), and webhooks lost while it was down are recovered.
/// </summary>
public sealed class CrashRecoveryTests
{
    [Fact]
    public Task Sigkill_MidCampaign_RestartCompletesEveryContactCalledOnce()
        => KillAndRestartAsync(new FaultPlan(), killWhen: s => s.TotalCalls >= 12);

    /// <summary>
    /// Issue 11: the kill lands while POSTs are answered 504 and their calls appear only later, and while Vapi answers
    /// 429s. After the restart nobody may ring twice: the lookups of the dead process's LAUNCHING rows use the same
    /// cut-off rule as a live one.
    /// </summary>
    [Fact]
    public Task Sigkill_DuringLateCreatesAnd429s_RestartCompletesEveryContactCalledOnce()
        => KillAndRestartAsync(new FaultPlan { RateLateCreate = 0.3, LateCreateMs = 1500, Rate429 = 0.15 },
            killWhen: s => s.Faults.LateCreates >= 3 && s.TotalCalls >= 8);

    private static async Task KillAndRestartAsync(FaultPlan faults, Func<SimulatorStats, bool> killWhen)
    {
        const string secret = "crash-secret";
        var port = FreePort();
        var baseUrl = new Uri($"http://127.0.0.1:{port}/");
        await using var sim = await VapiSimulatorHost.StartAsync(new SimulatorOptions
        {
            TimeScale = 0.01, Seed = 3, WebhookSecret = secret, ConcurrencyLimit = 10,
            WebhookUrl = new Uri(baseUrl, "api/webhooks/vapi").ToString(), Faults = faults,
        });
        var dbFile = Path.Combine(Path.GetTempPath(), $"autolynx-crash-{Guid.NewGuid():N}.db");
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = baseUrl.ToString().TrimEnd('/'),
            ["Database__Provider"] = "Sqlite",
            ["ConnectionStrings__Default"] = $"Data Source={dbFile}",
            ["Vapi__BaseUrl"] = sim.BaseUrl.ToString(),
            ["Vapi__ApiKey"] = sim.Options.ApiKey,
            ["Vapi__WebhookSecret"] = secret,
            ["Dialer__TickSeconds"] = "2",
            ["Dialer__StuckAfter"] = "00:00:04",
            ["Vapi__RequestTimeout"] = "00:00:02",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Auth__BootstrapApiToken"] = "alx_crash_test_token_0123456789",
            ["Auth__BootstrapAdminEmail"] = "ops@example.com",
        };
        foreach (var (k, v) in AppHost.RealAccountTestSettings) env[k.Replace(":", "__")] = v;
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", env["Auth__BootstrapApiToken"]);
        var app = AppProcess.Start(env);
        try
        {
            await WaitHealthyAsync(http);
            using var simHttp = new HttpClient { BaseAddress = sim.BaseUrl };
            simHttp.DefaultRequestHeaders.Authorization = new("Bearer", sim.Options.ApiKey);
            var created = await (await simHttp.PostAsJsonAsync("assistant", new JsonObject { ["name"] = "Crash test" })).Content.ReadFromJsonAsync<JsonElement>();
            using (var import = await http.PostAsJsonAsync("api/assistants/import", new { providerAssistantId = created.GetProperty("id").GetString() }))
                Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());
            var assistant = (await http.GetFromJsonAsync<JsonElement>("api/assistants"))[0].GetProperty("id").GetInt64();
            var line = (await http.GetFromJsonAsync<JsonElement>("api/phone-lines"))[0].GetProperty("id").GetInt64();

            const int contacts = 40;
            using var form = AppHost.Multipart(AppHost.SampleCsv(contacts), ("name", "Crash"), ("assistantId", assistant.ToString()),
                ("phoneLineId", line.ToString()), ("cap", "5"));
            var campaign = (await (await http.PostAsync("api/campaigns", form)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("campaignId").GetInt64();
            await http.PostAsync($"api/campaigns/{campaign}/start", null);

            // Let it get well under way, then kill it without warning.
            var until = DateTime.UtcNow.AddSeconds(90);
            while (DateTime.UtcNow < until && !killWhen(sim.GetStats())) await Task.Delay(20);
            Assert.True(killWhen(sim.GetStats()), "the moment to kill never came");
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
            app.Dispose();
            await Task.Delay(1500); // calls keep ending at the provider; their webhooks find nobody

            app = AppProcess.Start(env);
            await WaitHealthyAsync(http);
            var deadline = DateTime.UtcNow.AddMinutes(3);
            string? status = null;
            while (DateTime.UtcNow < deadline)
            {
                status = (await http.GetFromJsonAsync<JsonElement>($"api/campaigns/{campaign}")).GetProperty("status").GetString();
                if (status == "COMPLETED") break;
                await Task.Delay(250);
            }
            Assert.Equal("COMPLETED", status);

            // Late calls of the dead process may still be appearing: wait until Vapi is quiet, then count.
            until = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < until && sim.GetStats().ActiveCalls > 0) await Task.Delay(100);
            await Task.Delay(faults.LateCreateMs);
            var stats = JsonSerializer.SerializeToElement(sim.GetStats(), JsonSerializerOptions.Web);
            var perNumber = stats.GetProperty("callsByCustomerNumber").EnumerateObject().ToList();
            Assert.Equal(contacts, perNumber.Count);
            Assert.All(perNumber, p => Assert.True(p.Value.GetInt32() == 1, $"{p.Name} rang {p.Value} times"));
            Assert.InRange(stats.GetProperty("maxConcurrentAccount").GetInt32(), 1, 5);
            var calls = (await http.GetFromJsonAsync<JsonElement>($"api/campaigns/{campaign}/calls")).EnumerateArray().ToList();
            Assert.All(calls.Where(c => c.GetProperty("providerCallId").ValueKind == JsonValueKind.String),
                c => Assert.Contains(c.GetProperty("status").GetString(), new[] { "ENDED", "FAILED" }));
        }
        finally
        {
            if (!app.HasExited) app.Kill(entireProcessTree: true);
            app.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in new[] { dbFile, dbFile + "-wal", dbFile + "-shm" }) try { File.Delete(f); } catch (IOException) { }
        }
    }

    internal static async Task WaitHealthyAsync(HttpClient http)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            try
            {
                using var r = await http.GetAsync("healthz");
                if (r.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException("the app did not become healthy");
    }

    internal static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
