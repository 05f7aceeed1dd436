using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AutoLynx.Testing;
using AutoLynx.Tests.Infrastructure;
using AutoLynx.VapiSimulator;
using Xunit.Abstractions;

namespace AutoLynx.Tests.Integration;

/// <summary>
/// Issue 16, US-5.4: the app as a process in Production (JSON console logs), every log level that could say too much
/// turned up, a whole campaign with faults, a sign-in and refused credentials. Its whole output must hold none of the
/// configured secrets or tokens and no contact's number unmasked.
/// </summary>
public sealed class ObservabilityLogTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ProductionRun_JsonLogs_NoSecretsNoUnmaskedNumbers()
    {
        string Secret(string what) => $"{what}-{Guid.NewGuid():N}";
        var vapiKey = Secret("vapikey");
        var webhookSecret = Secret("whsecret");
        var scrapeToken = Secret("scrape");
        var bootstrapToken = "alx_" + Secret("bootstrap");
        var port = CrashRecoveryTests.FreePort();
        var baseUrl = new Uri($"http://127.0.0.1:{port}/");
        await using var sim = await VapiSimulatorHost.StartAsync(new SimulatorOptions
        {
            ApiKey = vapiKey, TimeScale = 0.01, Seed = 5, WebhookSecret = webhookSecret, ConcurrencyLimit = 10,
            WebhookUrl = new Uri(baseUrl, "api/webhooks/vapi").ToString(),
            // Faults make the app log its rarer paths too: retries, lookups of silent calls, ambiguous creates.
            Faults = new FaultPlan { Rate429 = 0.1, RateDropWebhook = 0.2, Rate500AfterCreate = 0.1 },
        });
        await using var mail = new SmtpSink();
        var dbFile = Path.Combine(Path.GetTempPath(), $"autolynx-logs-{Guid.NewGuid():N}.db");
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = baseUrl.ToString().TrimEnd('/'),
            ["Database__Provider"] = "Sqlite",
            ["ConnectionStrings__Default"] = $"Data Source={dbFile}",
            ["Vapi__BaseUrl"] = sim.BaseUrl.ToString(),
            ["Vapi__ApiKey"] = vapiKey,
            ["Vapi__WebhookSecret"] = webhookSecret,
            ["Vapi__RequestTimeout"] = "00:00:02",
            ["Dialer__TickSeconds"] = "2",
            ["Dialer__StuckAfter"] = "00:00:04",
            ["Metrics__ScrapeToken"] = scrapeToken,
            ["Auth__BootstrapApiToken"] = bootstrapToken,
            ["Auth__BootstrapAdminEmail"] = "ops@example.com",
            ["Auth__PublicBaseUrl"] = baseUrl.ToString(),
            ["Auth__Smtp__Host"] = "127.0.0.1", ["Auth__Smtp__Port"] = mail.Port.ToString(), ["Auth__Smtp__Security"] = "None",
            // Louder than shipped: request lines, SQL, HTTP client calls and the app's own debug messages.
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Information",
            ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Information",
            ["Logging__LogLevel__System.Net.Http.HttpClient"] = "Information",
            ["Logging__LogLevel__AutoLynx"] = "Debug",
        };
        foreach (var (k, v) in AppHost.RealAccountTestSettings) env[k.Replace(":", "__")] = v;

        var lines = new List<string>();
        var app = AppProcess.Start(env, l => { lock (lines) lines.Add(l); });
        var secrets = new Dictionary<string, string>
        {
            ["Vapi:ApiKey"] = vapiKey, ["Vapi:WebhookSecret"] = webhookSecret, ["Metrics:ScrapeToken"] = scrapeToken,
            ["Auth:BootstrapApiToken"] = bootstrapToken,
        };
        var numbers = Enumerable.Range(2000, 12).Select(n => $"+1415555{n:0000}").ToList();
        try
        {
            using var admin = AuthFlows.TokenClient(baseUrl, bootstrapToken);
            await CrashRecoveryTests.WaitHealthyAsync(admin);

            // A person signs in by mailed link and makes an API token (behind a TLS proxy: Production cookies are Secure).
            using (var allow = await admin.PostAsJsonAsync("api/allowlist", new { email = "op@example.com", role = "Operator" }))
                Assert.Equal(HttpStatusCode.Created, allow.StatusCode);
            var jar = new CookieContainer();
            using var session = new HttpClient(new BehindTlsProxy(jar)) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
            await AuthFlows.SignInWithLinkAsync(baseUrl, "op@example.com", mail, session);
            var link = AuthFlows.LinkIn(mail.Messages.Last().TextBody);
            secrets["sign-in link token"] = Regex.Match(link, "token=([^&]+)").Groups[1].Value;
            foreach (Cookie c in jar.GetAllCookies()) secrets[$"cookie {c.Name}"] = c.Value;
            var operatorToken = await AuthFlows.CreateTokenAsync(session);
            secrets["personal API token"] = operatorToken;
            using var op = AuthFlows.TokenClient(baseUrl, operatorToken);

            using var simHttp = new HttpClient { BaseAddress = sim.BaseUrl };
            simHttp.DefaultRequestHeaders.Authorization = new("Bearer", vapiKey);
            var created = await (await simHttp.PostAsJsonAsync("assistant", new JsonObject { ["name"] = "Log test" })).Content.ReadFromJsonAsync<JsonElement>();
            using (var import = await admin.PostAsJsonAsync("api/assistants/import", new { providerAssistantId = created.GetProperty("id").GetString() }))
                Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());
            var assistant = (await admin.GetFromJsonAsync<JsonElement>("api/assistants"))[0].GetProperty("id").GetInt64();
            var line = (await admin.GetFromJsonAsync<JsonElement>("api/phone-lines"))[0].GetProperty("id").GetInt64();
            using var form = AppHost.Multipart(AppHost.SampleCsv(numbers.Count, firstNumber: 2000), ("name", "Logs"), ("assistantId", assistant.ToString()),
                ("phoneLineId", line.ToString()), ("cap", "3"));
            using var made = await op.PostAsync("api/campaigns", form);
            Assert.True(made.IsSuccessStatusCode, await made.Content.ReadAsStringAsync());
            var campaign = (await made.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("campaignId").GetInt64();
            using (var start = await op.PostAsync($"api/campaigns/{campaign}/start", null)) Assert.True(start.IsSuccessStatusCode);
            await AppHost.WaitUntilAsync(() => op.GetFromJsonAsync<JsonElement>($"api/campaigns/{campaign}"),
                c => c.GetProperty("status").GetString() == "COMPLETED", TimeSpan.FromMinutes(3), "campaign completed");

            // Numbers and tokens in places people put them: a search, a webhook with the wrong secret, wrong bearer tokens.
            using (var search = await op.GetAsync($"api/campaigns/{campaign}/contacts?search={Uri.EscapeDataString(numbers[0])}")) Assert.True(search.IsSuccessStatusCode);
            using (var bad = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/vapi") { Content = JsonContent.Create(new { message = new { type = "status-update" } }) })
            {
                bad.Headers.Add("X-Vapi-Secret", webhookSecret + "x");
                using var refused = await AuthFlows.TokenClient(baseUrl, null).SendAsync(bad);
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }
            using (var scrape = await AuthFlows.TokenClient(baseUrl, scrapeToken).GetAsync("metrics")) Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
            using (var wrong = await AuthFlows.TokenClient(baseUrl, operatorToken + "x").GetAsync("api/campaigns")) Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            using (var ready = await admin.GetAsync("readyz")) Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.True(sim.GetStats().TotalCalls >= numbers.Count);
        }
        finally
        {
            await StopAsync(app);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in new[] { dbFile, dbFile + "-wal", dbFile + "-shm" }) try { File.Delete(f); } catch (IOException) { }
        }

        string[] all;
        lock (lines) all = lines.ToArray();
        var text = string.Join('\n', all);
        output.WriteLine($"{all.Length} log lines, {text.Length} characters");
        // JSON on the console: one object per line, with the trace id in the scopes of request logs.
        // Outside them only the first-start banner for the configured admin, on purpose: a one-time link printed until that
        // admin first signs in, kept out of the structured log (StartupTasks).
        var banner = all.Where(l => l.StartsWith("  Sign in as ops@example.com", StringComparison.Ordinal)
                                    || l.StartsWith("  or open this one-time sign-in link: ", StringComparison.Ordinal)).ToList();
        Assert.True(banner.Count <= 2, string.Join('\n', banner));
        var notJson = all.Where(l => l.Length > 0 && !banner.Contains(l) && !IsJsonObject(l)).ToList();
        Assert.True(notJson.Count == 0, $"{notJson.Count} lines are not JSON, e.g.:\n{string.Join('\n', notJson.Take(10))}");
        var objects = all.Where(l => l.Length > 0 && !banner.Contains(l)).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.All(objects, o => Assert.NotNull(o["Category"]));
        Assert.Contains(objects, o => o.ToJsonString().Contains("\"TraceId\"", StringComparison.Ordinal));
        Assert.Contains(objects, o => o["Category"]!.GetValue<string>().StartsWith("AutoLynx.", StringComparison.Ordinal));

        var leaks = new List<string>();
        foreach (var (name, value) in secrets)
            if (value.Length >= 8 && text.Contains(value, StringComparison.Ordinal)) leaks.Add($"{name}: {LineWith(all, value)}");
        foreach (var n in numbers)
            foreach (var form in new[] { n, n[2..], Uri.EscapeDataString(n), $"{n[5..8]}-{n[8..]}" })
                if (text.Contains(form, StringComparison.Ordinal)) leaks.Add($"number {form}: {LineWith(all, form)}");
        Assert.True(leaks.Count == 0, "The logs give away:\n" + string.Join('\n', leaks));
        // AutoLynx names contacts and calls by id, never by number; the search above was logged (by path, without its query),
        // so the number check would have caught a request line that carried it.
        Assert.Contains(all, l => l.Contains("/contacts", StringComparison.Ordinal) && l.Contains("Microsoft.AspNetCore.HttpLogging", StringComparison.Ordinal));
    }

    private static bool IsJsonObject(string line)
    {
        try { return JsonNode.Parse(line) is JsonObject; }
        catch (JsonException) { return false; }
    }

    private static string LineWith(string[] lines, string value) => lines.First(l => l.Contains(value, StringComparison.Ordinal));

    /// <summary>SIGTERM, so the console logger flushes its queue; SIGKILL if it does not stop.</summary>
    private static async Task StopAsync(Process app)
    {
        if (!app.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", app.Id.ToString()])) await kill.WaitForExitAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try { await app.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { app.Kill(entireProcessTree: true); }
        }
        app.WaitForExit();
        app.Dispose();
    }

    /// <summary>
    /// What a TLS-terminating proxy does for a browser: the app sees https (X-Forwarded-Proto, trusted from loopback), and
    /// the cookie jar keeps and sends its Secure cookies as over https.
    /// </summary>
    private sealed class BehindTlsProxy(CookieContainer jar) : DelegatingHandler(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false })
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var https = new UriBuilder(request.RequestUri!) { Scheme = "https", Port = request.RequestUri!.Port }.Uri;
            request.Headers.Add("X-Forwarded-Proto", "https");
            if (jar.GetCookieHeader(https) is { Length: > 0 } cookies) request.Headers.Add("Cookie", cookies);
            var resp = await base.SendAsync(request, ct);
            if (resp.Headers.TryGetValues("Set-Cookie", out var set))
                foreach (var c in set) jar.SetCookies(https, c);
            return resp;
        }
    }
}
