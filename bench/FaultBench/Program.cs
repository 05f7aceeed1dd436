using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutoLynx.VapiSimulator;
using Npgsql;

namespace AutoLynx.FaultBench;

/// <summary>
/// The fault suite at scale: two app instances (separate processes) on one fresh PostgreSQL database, one Vapi simulator
/// with every fault on, webhooks through one round-robin URL, and SIGKILLs of the current leader spaced through the run.
/// Judged at the end by the simulator against the app's database; exits 1 when any count is not 0.
/// Usage: dotnet build -c Release bench/FaultBench && dotnet bench/FaultBench/bin/Release/net10.0/FaultBench.dll [options]
/// (options in <see cref="BenchSettings.Parse"/>; --campaigns 1 --contacts 1000 --kills 1 is the small run).
/// </summary>
public static class Program
{
    private const string Token = "alx_faultbench_token_0123456789abcdef";
    private const string Secret = "faultbench-secret";

    public static async Task<int> Main(string[] args)
    {
        var settings = BenchSettings.Parse(args);
        var pgServer = Environment.GetEnvironmentVariable("AUTOLYNX_TEST_PG") ?? "Host=127.0.0.1;Port=5432;Username=autolynx;Password=autolynx";
        var database = $"autolynx_faults_{Guid.NewGuid():N}"[..40];
        var cs = new NpgsqlConnectionStringBuilder(pgServer) { Database = database }.ToString();
        var logDir = Directory.CreateTempSubdirectory("autolynx-faultbench-").FullName;
        Console.WriteLine($"AutoLynx fault bench: {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()}");
        Console.WriteLine($"settings: {settings}");
        Console.WriteLine($"database {database}; app logs in {logDir}");

        var options = new SimulatorOptions
        {
            TimeScale = settings.TimeScale, Seed = settings.Seed, WebhookSecret = Secret, ConcurrencyLimit = settings.AccountCap,
            PhoneNumbers = ["+14155550100", "+14155550101"],
            MaxRetainedCalls = Math.Max(50_000, settings.TotalContacts * 2),
            Faults = new FaultPlan { LateCreateMs = 1500 },
        };
        await using var sim = await VapiSimulatorHost.StartAsync(options);
        using var simHttp = new HttpClient { BaseAddress = sim.BaseUrl, Timeout = TimeSpan.FromMinutes(2) };
        simHttp.DefaultRequestHeaders.Authorization = new("Bearer", options.ApiKey);

        var ports = new[] { FreePort(), FreePort() };
        var env = AppEnvironment(settings, sim, cs);
        var slots = new[] { new AppSlot("a", ports[0], env, logDir), new AppSlot("b", ports[1], env, logDir) };
        await using var balancer = await WebhookBalancer.StartAsync(slots.Select(s => s.BaseUrl).ToArray());
        options.WebhookUrl = new Uri(balancer.Url, "api/webhooks/vapi").ToString();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", Token);

        var exit = 2;
        var watch = Stopwatch.StartNew();
        try
        {
            // A first, alone, so one process runs the migrations; then B.
            slots[0].Start();
            await slots[0].WaitHealthyAsync(http, TimeSpan.FromMinutes(2));
            slots[1].Start();
            await slots[1].WaitHealthyAsync(http, TimeSpan.FromMinutes(2));
            var api = slots[0].BaseUrl;
            var (campaigns, lineCaps) = await SetUpAsync(http, simHttp, api, settings);
            Console.WriteLine($"set up in {watch.Elapsed.TotalSeconds:0.0} s: {campaigns.Count} campaigns, {settings.TotalContacts} contacts imported");

            await SetFaultsAsync(simHttp, settings, settings.Rate429);
            var run = Stopwatch.StartNew();
            foreach (var id in campaigns)
                using (var r = await http.PostAsync(new Uri(api, $"api/campaigns/{id}/start"), null))
                    if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"start {id}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");

            using var stop = new CancellationTokenSource();
            var storms = StormsAsync(simHttp, settings, stop.Token);
            var kills = new List<string>();
            var nextKill = 1;
            var deadline = DateTime.UtcNow.AddMinutes(settings.MaxMinutes);
            var lastPrint = TimeSpan.Zero;
            while (DateTime.UtcNow < deadline)
            {
                var stats = sim.GetStats();
                var done = await CountCompletedAsync(cs);
                if (run.Elapsed - lastPrint >= TimeSpan.FromSeconds(10))
                {
                    lastPrint = run.Elapsed;
                    Console.WriteLine($"  {run.Elapsed.TotalSeconds,5:0} s: {stats.TotalCalls} calls placed, {stats.ActiveCalls} live, {done}/{campaigns.Count} campaigns done, " +
                                      $"leader {await LeaderAsync(cs, slots) ?? "-"}, load {LoadAverage()}");
                }
                if (done == campaigns.Count) break;
                if (nextKill <= settings.Kills && stats.TotalCalls >= settings.TotalContacts * nextKill / (settings.Kills + 1))
                {
                    kills.Add(await KillLeaderAsync(cs, slots, http, run.Elapsed));
                    Console.WriteLine("  " + kills[^1]);
                    nextKill++;
                    continue;
                }
                await Task.Delay(250);
            }
            var makespan = run.Elapsed;
            await stop.CancelAsync();
            await storms;
            await SetFaultsAsync(simHttp, settings, 0);

            // Settle: the simulator quiet (no live call, nothing pending to send), then a late create's delay and a little more.
            var settleUntil = DateTime.UtcNow.AddMinutes(2);
            while (DateTime.UtcNow < settleUntil && (sim.GetStats() is var s && (s.ActiveCalls > 0 || s.Webhooks.Pending > 0))) await Task.Delay(200);
            await Task.Delay(TimeSpan.FromSeconds(5));

            var verdict = await Verdict.JudgeAsync(simHttp, cs, settings, lineCaps);
            Console.WriteLine();
            Console.WriteLine($"Fault bench: {settings.TotalContacts} contacts in {settings.Campaigns} campaigns, {kills.Count} SIGKILLs of the leader, " +
                              $"makespan {makespan.TotalSeconds:0} s (all campaigns done: {await CountCompletedAsync(cs) == campaigns.Count}), load average {LoadAverage()}");
            foreach (var k in kills) Console.WriteLine("  " + k);
            Console.WriteLine($"  webhook balancer: {balancer.Forwarded} forwarded, {balancer.FailedOver} failed over to the other instance, {balancer.Failed} answered 502");
            foreach (var f in verdict.Figures) Console.WriteLine("  " + f);
            Console.WriteLine(verdict.Passed ? "Verdict: PASS (all 0)" : "Verdict: FAIL");
            Console.Write(verdict.Summary());
            foreach (var d in verdict.Details) Console.WriteLine("    " + d);
            exit = verdict.Passed ? 0 : 1;
        }
        catch (Exception e)
        {
            Console.WriteLine($"bench error: {e}");
        }
        finally
        {
            foreach (var slot in slots) await slot.DisposeAsync();
            try { Directory.Delete(env["HOME"], recursive: true); } catch (IOException) { }
            if (!settings.KeepDatabase) await DropDatabaseAsync(pgServer, database);
            Console.WriteLine($"app logs kept in {logDir}{(settings.KeepDatabase ? $"; database {database} kept" : "")}");
        }
        return exit;
    }

    /// <summary>What both instances run with: production's shape (a real Vapi account, PostgreSQL, one shared secret) with
    /// the timings compressed as the simulator's time scale compresses calls.</summary>
    private static Dictionary<string, string> AppEnvironment(BenchSettings settings, VapiSimulatorHost sim, string cs)
    {
        var home = Directory.CreateTempSubdirectory("autolynx-faultbench-home-").FullName;
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development", // plain http, the app as built (not published) serves its assets
            ["HOME"] = home,
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Default"] = cs,
            ["Vapi__BaseUrl"] = sim.BaseUrl.ToString(),
            ["Vapi__ApiKey"] = sim.Options.ApiKey,
            ["Vapi__WebhookSecret"] = Secret,
            ["Vapi__RequestTimeout"] = "00:00:02",
            ["Auth__BootstrapApiToken"] = Token,
            ["Auth__BootstrapAdminEmail"] = "ops@example.com",
            ["Dialer__AccountCap"] = settings.AccountCap.ToString(CultureInfo.InvariantCulture),
            ["Dialer__TickSeconds"] = "2",
            ["Dialer__StuckAfter"] = "00:00:08",
            ["Dialer__LeaseTtl"] = "00:00:05",
            ["Dialer__LeaseRenewEvery"] = "00:00:01",
            ["Dialer__LateCreateGrace"] = "00:00:03",
            ["Dialer__ReportGrace"] = "00:00:02",
            ["Dialer__CallStartsPerSecondPerLine"] = "1000",
            ["Dialer__CallStartsPerSecond"] = "10000",
            ["Compliance__DefaultCallingWindow__Days"] = "any",
            ["Compliance__EnforceLegalHours"] = "false",
            ["Compliance__DefaultRetry__MaxAttempts"] = "1", // no retries: any second call to a number is a double dial
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__AutoLynx.Features.Engine.EngineLease"] = "Information", // more with --app Logging:LogLevel:AutoLynx=Information
        };
        foreach (var (k, v) in settings.AppOverrides) env[k] = v;
        return env;
    }

    private static async Task<(List<long> Campaigns, Dictionary<string, int> LineCaps)> SetUpAsync(HttpClient http, HttpClient sim, Uri api, BenchSettings settings)
    {
        // An assistant on the (simulated) account that asks only for the webhooks AutoLynx uses, imported into the directory.
        using var created = await sim.PostAsJsonAsync("assistant", new JsonObject
        {
            ["name"] = "Fault bench", ["serverMessages"] = new JsonArray("status-update", "end-of-call-report"),
        });
        var providerAssistant = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        using (var import = await http.PostAsJsonAsync(new Uri(api, "api/assistants/import"), new { providerAssistantId = providerAssistant }))
            if (!import.IsSuccessStatusCode) throw new InvalidOperationException($"import assistant: {(int)import.StatusCode} {await import.Content.ReadAsStringAsync()}");
        var assistant = (await http.GetFromJsonAsync<JsonElement>(new Uri(api, "api/assistants")))[0].GetProperty("id").GetInt64();
        using (await http.PostAsync(new Uri(api, "api/phone-lines"), null)) { }
        var lines = (await http.GetFromJsonAsync<JsonElement>(new Uri(api, "api/phone-lines"))).EnumerateArray().ToList();
        if (lines.Count < 2) throw new InvalidOperationException($"expected 2 phone lines, got {lines.Count}");
        var lineCaps = new Dictionary<string, int>();
        foreach (var line in lines)
        {
            using var patch = await http.PatchAsJsonAsync(new Uri(api, $"api/phone-lines/{line.GetProperty("id").GetInt64()}"), new { maxConcurrent = settings.LineCap });
            if (!patch.IsSuccessStatusCode) throw new InvalidOperationException($"line cap: {(int)patch.StatusCode} {await patch.Content.ReadAsStringAsync()}");
            lineCaps[line.GetProperty("providerPhoneNumberId").GetString()!] = settings.LineCap;
        }

        var campaigns = new List<long>();
        for (var c = 0; c < settings.Campaigns; c++)
        {
            var csv = new StringBuilder("name,business_name,phone,city\n");
            for (var i = 0; i < settings.ContactsPerCampaign; i++) csv.Append($"Person {c}-{i},Business {i},{Number(c * settings.ContactsPerCampaign + i)},Town {i % 7}\n");
            using var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv.ToString()));
            file.Headers.ContentType = new("text/csv");
            form.Add(file, "file", $"faults-{c}.csv");
            form.Add(new StringContent($"Faults {c + 1}"), "name");
            form.Add(new StringContent(assistant.ToString(CultureInfo.InvariantCulture)), "assistantId");
            form.Add(new StringContent(lines[c % 2].GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture)), "phoneLineId");
            form.Add(new StringContent(settings.CampaignCap.ToString(CultureInfo.InvariantCulture)), "cap");
            using var resp = await http.PostAsync(new Uri(api, "api/campaigns"), form);
            var body = await resp.Content.ReadFromJsonAsync<JsonElement>();
            if ((int)resp.StatusCode != 201) throw new InvalidOperationException($"create campaign: {(int)resp.StatusCode} {body}");
            var accepted = body.GetProperty("importReport").GetProperty("accepted").GetInt32();
            if (accepted != settings.ContactsPerCampaign) throw new InvalidOperationException($"campaign {c}: {accepted} of {settings.ContactsPerCampaign} contacts accepted: {body}");
            campaigns.Add(body.GetProperty("campaignId").GetInt64());
        }
        return (campaigns, lineCaps);
    }

    /// <summary>Distinct US numbers: 10,000 per area code.</summary>
    private static string Number(int i) => $"+1{new[] { 415, 212, 312, 617, 206, 303, 512, 404 }[i / 10_000]}555{i % 10_000:0000}";

    private static async Task SetFaultsAsync(HttpClient sim, BenchSettings s, double rate429)
    {
        var on = rate429 > 0;
        using var r = await sim.PutAsJsonAsync("_sim/config", new
        {
            faults = new
            {
                rate429,
                rate500AfterCreate = on ? s.Rate500AfterCreate : 0, rateLateCreate = on ? s.RateLateCreate : 0,
                rateTimeoutAfterCreate = on ? s.RateTimeoutAfterCreate : 0, rateDuplicateWebhook = on ? s.RateDuplicateWebhook : 0,
                rateReorderWebhook = on ? s.RateReorderWebhook : 0, rateDropWebhook = on ? s.RateDropWebhook : 0, rateBurst = on ? s.RateBurst : 0,
            },
        });
        if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"PUT /_sim/config: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
    }

    /// <summary>429 storms: every few seconds, most API requests are refused for a few seconds.</summary>
    private static async Task StormsAsync(HttpClient sim, BenchSettings s, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(s.StormEverySeconds - s.StormSeconds), ct);
                await SetFaultsAsync(sim, s, s.StormRate429);
                try { await Task.Delay(TimeSpan.FromSeconds(s.StormSeconds), ct); }
                finally { await SetFaultsAsync(sim, s, s.Rate429); }
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>The live lease row's owner ("machine:pid:…"), as the slot running that process.</summary>
    private static async Task<AppSlot?> LeaderSlotAsync(string cs, AppSlot[] slots)
    {
        await using var db = new NpgsqlConnection(cs);
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT owner FROM leases WHERE name = 'engine' AND expires_at > now()", db);
        if (await cmd.ExecuteScalarAsync() is not string owner) return null;
        var pid = int.Parse(owner.Split(':')[^2], CultureInfo.InvariantCulture);
        return slots.FirstOrDefault(s => s.Pid == pid);
    }

    private static async Task<string?> LeaderAsync(string cs, AppSlot[] slots) => (await LeaderSlotAsync(cs, slots))?.Name;

    /// <summary>kill -9 of the instance holding the lease, a supervisor's restart a second later, and the time until a live
    /// instance leads again.</summary>
    private static async Task<string> KillLeaderAsync(string cs, AppSlot[] slots, HttpClient http, TimeSpan at)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        AppSlot? leader;
        while ((leader = await LeaderSlotAsync(cs, slots)) is null && DateTime.UtcNow < until) await Task.Delay(100);
        if (leader is null) return $"kill at {at.TotalSeconds:0} s: no leader to kill";
        var pid = leader.Pid;
        var watch = Stopwatch.StartNew();
        await leader.KillAsync();
        // A supervisor (systemd Restart=always, RestartSec=1) brings it back while the other instance takes the lease over.
        var restart = Task.Run(async () =>
        {
            await Task.Delay(1000);
            leader.Start();
            await leader.WaitHealthyAsync(http, TimeSpan.FromMinutes(2));
            return watch.Elapsed;
        });
        AppSlot? next;
        while ((next = await LeaderSlotAsync(cs, slots)) is null) await Task.Delay(100);
        var failover = watch.Elapsed;
        var restarted = await restart;
        return $"kill -9 of leader {leader.Name} (pid {pid}) at {at.TotalSeconds:0} s: {next.Name} leads {failover.TotalSeconds:0.0} s after the kill, " +
               $"{leader.Name} restarted and ready after {restarted.TotalSeconds:0.0} s";
    }

    private static async Task<int> CountCompletedAsync(string cs)
    {
        await using var db = new NpgsqlConnection(cs);
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM campaigns WHERE status = 'Completed'", db);
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task DropDatabaseAsync(string server, string database)
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ToString());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
