using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutoLynx.Features.Demo;
using AutoLynx.Tests.Infrastructure;
using AutoLynx.VapiSimulator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AutoLynx.Tests.Integration;

/// <summary>
/// When the app runs in demo mode: by default without a key on a fresh or demo-only SQLite database, never by itself on
/// PostgreSQL or on a database that holds real data (there it refuses to start, saying why and what to set), and always
/// when asked for with Demo:Enabled=true.
/// </summary>
public sealed class DemoModeTests
{
    [Fact]
    public async Task Start_NoKeyFreshSqlite_DemoModeAndTheDatabaseMarkedDemoOnly()
    {
        await using var app = AppHost.Start(Db.Sqlite);

        Assert.True(app.Service<DemoMode>().On);
        Assert.NotNull(app.Service<DemoEnvironment>().Simulator);
        Assert.Equal(1, await app.WithDbAsync(d => d.DemoMarkers.CountAsync()));
        Assert.StartsWith("Simulated line", (await app.GetJsonAsync("api/phone-lines"))[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Start_NoKeyOnPostgres_RefusesWithAClearMessageAndTouchesNothing()
    {
        var database = $"autolynx_test_{Guid.NewGuid():N}"[..40];
        await ExecutePostgresAsync($"CREATE DATABASE \"{database}\"");
        try
        {
            var refusal = await RefusedStartAsync(new()
            {
                ["Database__Provider"] = "Postgres",
                ["ConnectionStrings__Default"] = new NpgsqlConnectionStringBuilder(AppHost.PostgresServer) { Database = database }.ToString(),
            });
            Assert.Contains("Vapi:ApiKey is empty and Database:Provider is Postgres", refusal);
            Assert.Contains("Demo:Enabled=true", refusal);

            await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(AppHost.PostgresServer) { Database = database }.ToString());
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'", conn);
            Assert.Equal(0L, (long)(await cmd.ExecuteScalarAsync())!);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecutePostgresAsync($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
        }
    }

    [Fact]
    public async Task Start_NoKeyOnASqliteDatabaseUsedWithAKey_RefusesAndLeavesItsAssistantsAlone()
    {
        var file = Path.Combine(Path.GetTempPath(), $"autolynx-demo-guard-{Guid.NewGuid():N}.db");
        var db = new Dictionary<string, string?> { ["Database:Provider"] = "Sqlite", ["ConnectionStrings:Default"] = $"Data Source={file}" };
        await using var vapi = await VapiSimulatorHost.StartAsync(new SimulatorOptions { TimeScale = 0.01, Seed = 5 });
        try
        {
            // 1. A newcomer's demo on a fresh file: demo mode, and the file is marked demo-only.
            await using (var demo = AppHost.Start(Db.Sqlite, db))
                Assert.Equal(1, await demo.WithDbAsync(d => d.DemoMarkers.CountAsync()));
            // 2. The same file with a Vapi key: real work, an assistant with a real Vapi id; the file is no demo file any more.
            string pid;
            await using (var real = RealApp.Start(db, vapi))
            {
                var created = await (await real.Http.PostAsJsonAsync("api/assistants", new { name = "Real assistant", templateId = "survey" })).Content.ReadFromJsonAsync<JsonElement>();
                pid = created.GetProperty("providerAssistantId").GetString()!;
                Assert.False(real.Services.GetRequiredService<DemoMode>().On);
            }
            Assert.Equal(0, await CountAsync(file, "SELECT COUNT(*) FROM demo_markers"));

            // 3. The key is gone: no demo on this file by itself, and nothing in it is rewritten.
            var refusal = await RefusedStartAsync(SqliteEnv(file));
            Assert.Contains("holds data that demo mode did not create", refusal);
            Assert.Contains(file, refusal);
            Assert.Contains("Demo:Enabled=true", refusal);
            Assert.Equal(1, await CountAsync(file, $"SELECT COUNT(*) FROM assistants WHERE provider_assistant_id = '{pid}'"));
            Assert.Equal(0, await CountAsync(file, "SELECT COUNT(*) FROM demo_markers"));

            // 4. Asked for, it runs.
            await using var asked = AppHost.Start(Db.Sqlite, new Dictionary<string, string?>(db) { ["Demo:Enabled"] = "true" });
            Assert.True(asked.Service<DemoMode>().On);
        }
        finally
        {
            DeleteSqlite(file);
        }
    }

    [Fact]
    public async Task Start_DemoAskedForOnPostgres_RunsTheDemoAndMarksTheDatabase()
    {
        await using var app = AppHost.Start(Db.Postgres); // AppHost sets Demo:Enabled=true on PostgreSQL

        var mode = app.Service<DemoMode>();
        Assert.True(mode.On);
        Assert.True(mode.Asked);
        Assert.NotNull(app.Service<DemoEnvironment>().Simulator);
        Assert.Equal(1, await app.WithDbAsync(d => d.DemoMarkers.CountAsync()));
        Assert.Contains(DemoEnvironment.DemoAssistantName, (await app.GetJsonAsync("api/assistants")).ToString());
    }

    [Fact]
    public async Task Start_NoKeyOnADemoOnlySqliteWithCampaigns_RestartsInDemoModeKeepingThem()
    {
        var file = Path.Combine(Path.GetTempPath(), $"autolynx-demo-again-{Guid.NewGuid():N}.db");
        var db = new Dictionary<string, string?> { ["Database:Provider"] = "Sqlite", ["ConnectionStrings:Default"] = $"Data Source={file}" };
        try
        {
            long campaign;
            await using (var first = AppHost.Start(Db.Sqlite, db))
                campaign = await first.CreateCampaignAsync(AppHost.SampleCsv(3), name: "Made in the demo");

            // What a demo run makes (people, assistants, lines, campaigns) keeps the database demo-only.
            await using var again = AppHost.Start(Db.Sqlite, db);
            Assert.True(again.Service<DemoMode>().On);
            Assert.False(again.Service<DemoMode>().Asked);
            Assert.Equal("Made in the demo", (await again.GetJsonAsync($"api/campaigns/{campaign}")).GetProperty("name").GetString());
            Assert.Equal(1, await again.WithDbAsync(d => d.DemoMarkers.CountAsync()));
        }
        finally
        {
            DeleteSqlite(file);
        }
    }

    [Fact]
    public async Task Start_NoKeyOnASqliteDatabaseFromBeforeMarkers_RefusesWithoutMigratingIt()
    {
        var file = Path.Combine(Path.GetTempPath(), $"autolynx-demo-old-{Guid.NewGuid():N}.db");
        var db = new Dictionary<string, string?> { ["Database:Provider"] = "Sqlite", ["ConnectionStrings:Default"] = $"Data Source={file}" };
        try
        {
            await using (AppHost.Start(Db.Sqlite, db)) { }
            // As a version without markers left it: the marker table and its migration not there yet, data in it.
            await ExecuteSqliteAsync(file, "DROP TABLE demo_markers; DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" LIKE '%_DemoMarkers'");

            Assert.Contains("holds data that demo mode did not create", await RefusedStartAsync(SqliteEnv(file)));
            Assert.Equal(0, await CountAsync(file, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'demo_markers'"));
        }
        finally
        {
            DeleteSqlite(file);
        }
    }

    [Fact]
    public async Task Start_DemoDisabledWithoutKey_RefusesWithAClearMessage()
    {
        var file = Path.Combine(Path.GetTempPath(), $"autolynx-demo-off-{Guid.NewGuid():N}.db");
        var refusal = await RefusedStartAsync(new(SqliteEnv(file)) { ["Demo__Enabled"] = "false" });
        Assert.Contains("Demo:Enabled is false but Vapi:ApiKey is empty", refusal);
        Assert.False(File.Exists(file));
    }

    private static Dictionary<string, string> SqliteEnv(string file) => new() { ["Database__Provider"] = "Sqlite", ["ConnectionStrings__Default"] = $"Data Source={file}" };

    /// <summary>
    /// Starts the app as an operator would (its own process, no Vapi key) and expects it to refuse: exit code 1 and one
    /// plain sentence on standard error, no stack trace. Returns that message.
    /// </summary>
    private static async Task<string> RefusedStartAsync(Dictionary<string, string> env)
    {
        env["ASPNETCORE_ENVIRONMENT"] = "Development";
        env["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        env["Vapi__ApiKey"] = "";
        env["Logging__LogLevel__Default"] = "None";
        var (exitCode, output, error) = await AppProcess.RunToExitAsync(env, TimeSpan.FromMinutes(1));
        Assert.True(exitCode == 1, $"exit code {exitCode}\n{output}\n{error}");
        var refusal = error.Trim();
        Assert.StartsWith("AutoLynx did not start: ", refusal);
        Assert.DoesNotContain(" at AutoLynx.", refusal);
        Assert.DoesNotContain("Exception", refusal);
        return refusal;
    }

    private static async Task ExecutePostgresAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(AppHost.PostgresServer) { Database = "postgres" }.ToString());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static void DeleteSqlite(string file)
    {
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { file, file + "-wal", file + "-shm" }) try { File.Delete(f); } catch (IOException) { }
    }

    private static async Task ExecuteSqliteAsync(string file, string sql)
    {
        await using var conn = new SqliteConnection($"Data Source={file};Pooling=False");
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(string file, string sql)
    {
        await using var conn = new SqliteConnection($"Data Source={file};Pooling=False");
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>The app with a Vapi key, pointed at a standalone simulator as at Vapi, on a real port.</summary>
    private sealed class RealApp : IAsyncDisposable
    {
        private readonly WebApplicationFactory<Program> _factory;

        private RealApp(WebApplicationFactory<Program> factory, HttpClient http)
        {
            _factory = factory;
            Http = http;
        }

        public HttpClient Http { get; }
        public IServiceProvider Services => _factory.Services;

        public static RealApp Start(Dictionary<string, string?> db, VapiSimulatorHost vapi)
        {
            var token = "alx_test_" + Guid.NewGuid().ToString("N");
            var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            {
                b.UseEnvironment("Development");
                foreach (var (k, v) in db) b.UseSetting(k, v);
                b.UseSetting("Vapi:BaseUrl", vapi.BaseUrl.ToString());
                b.UseSetting("Vapi:ApiKey", vapi.Options.ApiKey);
                b.UseSetting("Vapi:WebhookSecret", "real-secret");
                b.UseSetting("Vapi:PublicBaseUrl", "https://autolynx.example.com");
                b.UseSetting("Auth:BootstrapAdminEmail", "ops@example.com");
                b.UseSetting("Auth:BootstrapApiToken", token);
            });
            factory.UseKestrel(0);
            factory.StartServer();
            var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
                .First(a => a.StartsWith("http://", StringComparison.Ordinal)).Replace("://[::]", "://127.0.0.1").Replace("://0.0.0.0", "://127.0.0.1");
            var http = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/") };
            http.DefaultRequestHeaders.Authorization = new("Bearer", token);
            return new RealApp(factory, http);
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await _factory.DisposeAsync();
        }
    }
}
