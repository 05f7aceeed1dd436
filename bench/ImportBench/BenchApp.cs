using AutoLynx.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ImportBench;

/// <summary>The real app on a real Kestrel port in this process (demo mode, fresh database), as the test host does.</summary>
public sealed class BenchApp : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;
    private readonly string? _sqliteFile;
    private readonly string? _pgDatabase;
    private readonly string _pgServer;

    public HttpClient Http { get; }
    /// <summary>The app's services (its database gate, its options), for a bench that seeds data beside the API.</summary>
    public IServiceProvider Services => _factory.Services;
    /// <summary>"sqlite" or "postgres".</summary>
    public string Db { get; }
    /// <summary>The app's own connection string (a fresh database of this run).</summary>
    public string ConnectionString { get; }

    private static readonly string Token = "alx_bench_" + Guid.NewGuid().ToString("N");

    /// <param name="settings">Settings applied after the bench defaults (a bench that needs another account cap, time scale…).</param>
    /// <param name="maxPoolSize">PostgreSQL only: the app's connection pool (Npgsql's default is 100, which is all of a default server's max_connections).</param>
    public BenchApp(string db, long maxFileBytes, int maxRows, IReadOnlyDictionary<string, string>? settings = null, int? maxPoolSize = null)
    {
        _pgServer = Environment.GetEnvironmentVariable("AUTOLYNX_TEST_PG") ?? "Host=127.0.0.1;Port=5432;Username=autolynx;Password=autolynx";
        Db = db;
        string cs;
        if (db == "sqlite")
        {
            _sqliteFile = Path.Combine(Path.GetTempPath(), $"autolynx-bench-{Guid.NewGuid():N}.db");
            cs = $"Data Source={_sqliteFile}";
        }
        else
        {
            _pgDatabase = $"autolynx_bench_{Guid.NewGuid():N}"[..40];
            var builder = new NpgsqlConnectionStringBuilder(_pgServer) { Database = _pgDatabase };
            if (maxPoolSize is { } pool) builder.MaxPoolSize = pool;
            cs = builder.ToString();
        }
        ConnectionString = cs;
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            b.UseContentRoot(Path.Combine(RepoRoot(), "src", "AutoLynx"));
            b.UseSetting("urls", "http://127.0.0.1:0");
            b.UseSetting("Database:Provider", db == "sqlite" ? "Sqlite" : "Postgres");
            b.UseSetting("ConnectionStrings:Default", cs);
            b.UseSetting("Vapi:ApiKey", "");
            if (db != "sqlite") b.UseSetting("Demo:Enabled", "true"); // demo mode on PostgreSQL is never implied
            b.UseSetting("Auth:BootstrapApiToken", Token);   // the bench drives the API as an admin's automation would
            b.UseSetting("Dialer:TickSeconds", "3600");
            b.UseSetting("Import:MaxFileBytes", maxFileBytes.ToString());
            b.UseSetting("Import:MaxRows", maxRows.ToString());
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            b.UseSetting("Logging:LogLevel:Microsoft.Hosting.Lifetime", "Warning");
            foreach (var (key, value) in settings ?? new Dictionary<string, string>()) b.UseSetting(key, value);
            // BENCH_SQL_LOG=1 prints every SQL command with its duration (to find the slow query of a slow request).
            if (Environment.GetEnvironmentVariable("BENCH_SQL_LOG") == "1")
                b.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command", "Information");
        });
        _factory.UseKestrel(0);
        _factory.StartServer();
        var address = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => a.StartsWith("http://", StringComparison.Ordinal));
        Http = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(15) };
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AutoLynx.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"No AutoLynx.slnx above {AppContext.BaseDirectory}.");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _factory.DisposeAsync();
        // BENCH_KEEP_DB=1 leaves the seeded database for EXPLAIN (drop it by hand afterwards).
        if (Environment.GetEnvironmentVariable("BENCH_KEEP_DB") == "1")
        {
            Console.WriteLine($"kept the database: {_sqliteFile ?? _pgDatabase}");
            return;
        }
        if (_sqliteFile is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in new[] { _sqliteFile, _sqliteFile + "-wal", _sqliteFile + "-shm" }) try { File.Delete(f); } catch (IOException) { }
        }
        if (_pgDatabase is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_pgServer) { Database = "postgres" }.ToString());
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_pgDatabase}\" WITH (FORCE)", conn);
            await cmd.ExecuteNonQueryAsync();
        }
    }
}
