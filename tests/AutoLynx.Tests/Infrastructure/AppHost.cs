using System.Net.Http.Json;
using System.Text.Json;
using AutoLynx.Data;
using AutoLynx.Features.Demo;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using AutoLynx.Testing;
using Npgsql;

namespace AutoLynx.Tests.Infrastructure;

public enum Db { Sqlite, Postgres }

/// <summary>
/// The real app on a real port (Kestrel), in demo mode with the in-process simulator, on a fresh SQLite file or a
/// fresh PostgreSQL database. Tests talk to it over HTTP only, and judge it by what the simulator saw.
/// </summary>
public sealed class AppHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;
    private readonly string? _sqliteFile;
    private readonly string? _pgDatabase;

    /// <summary>Signed in as the bootstrap admin (an admin API token, as automation uses).</summary>
    public HttpClient Http { get; }
    public string AdminToken { get; }
    public Uri BaseUrl { get; }
    /// <summary>Where the app's sign-in emails go.</summary>
    public SmtpSink Mail { get; }
    public HttpClient Simulator { get; }
    public string WebhookSecret { get; }

    /// <summary>Where the test PostgreSQL lives; .ci/run and the test script start it.</summary>
    public static string PostgresServer =>
        Environment.GetEnvironmentVariable("AUTOLYNX_TEST_PG") ?? "Host=127.0.0.1;Port=5432;Username=autolynx;Password=autolynx";

    private AppHost(WebApplicationFactory<Program> factory, string? sqliteFile, string? pgDatabase, string secret, string adminToken, SmtpSink mail,
        Uri? simulator = null)
    {
        _factory = factory;
        AdminToken = adminToken;
        Mail = mail;
        _sqliteFile = sqliteFile;
        _pgDatabase = pgDatabase;
        WebhookSecret = secret;
        factory.UseKestrel();
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => a.StartsWith("http://", StringComparison.Ordinal)).Replace("://[::]", "://127.0.0.1").Replace("://0.0.0.0", "://127.0.0.1");
        BaseUrl = new Uri(address.TrimEnd('/') + "/");
        Http = AuthFlows.TokenClient(BaseUrl, adminToken);
        Simulator = new HttpClient { BaseAddress = simulator ?? factory.Services.GetRequiredService<DemoEnvironment>().Simulator!.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Each host gets its own admin API token (Auth:BootstrapApiToken) and its own mail sink.</summary>
    private static void UseAuth(IWebHostBuilder b, string token, SmtpSink? mail, bool demo = true)
    {
        b.UseSetting("Auth:BootstrapApiToken", token);
        // Demo mode makes its own admin; a real installation names one (the token acts as that admin).
        if (!demo) b.UseSetting("Auth:BootstrapAdminEmail", "admin@autolynx.local");
        // Outside demo mode, mailed links need a configured public address; those hosts mail nothing.
        foreach (var (k, v) in mail?.AppSettings ?? new Dictionary<string, string?>()) b.UseSetting(k, v);
    }

    public static AppHost Start(Db db, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var secret = "test-secret-" + Guid.NewGuid().ToString("N")[..8];
        var token = "alx_test_" + Guid.NewGuid().ToString("N");
        var mail = new SmtpSink();
        string? file = null, pg = null;
        string cs;
        if (db == Db.Sqlite)
        {
            file = Path.Combine(Path.GetTempPath(), $"autolynx-test-{Guid.NewGuid():N}.db");
            cs = $"Data Source={file}";
        }
        else
        {
            pg = $"autolynx_test_{Guid.NewGuid():N}"[..40];
            cs = new NpgsqlConnectionStringBuilder(PostgresServer) { Database = pg }.ToString();
        }
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            b.UseSetting("urls", "http://127.0.0.1:0");
            b.UseSetting("Database:Provider", db.ToString());
            b.UseSetting("ConnectionStrings:Default", cs);
            b.UseSetting("Vapi:ApiKey", "");
            // Without a key, demo mode is implied only on SQLite; on PostgreSQL it must be asked for.
            if (db == Db.Postgres) b.UseSetting("Demo:Enabled", "true");
            b.UseSetting("Vapi:WebhookSecret", secret);
            b.UseSetting("Simulator:TimeScale", "0.005");
            b.UseSetting("Simulator:Seed", "11");
            b.UseSetting("Simulator:ConcurrencyLimit", "10");
            b.UseSetting("Dialer:TickSeconds", "5");
            // One attempt per contact unless a test gives a retry policy: most tests judge "each number rang once".
            b.UseSetting("Compliance:DefaultRetry:MaxAttempts", "1");
            UseAuth(b, token, mail);
            foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) b.UseSetting(k, v);
            if (services is not null) b.ConfigureServices(services);
        });
        return new AppHost(factory, file, pg, secret, token, mail);
    }

    /// <summary>
    /// An instance pointed at a Vapi (simulator) it does not own, as in production: several such instances can share
    /// one PostgreSQL database. Only the instance with <paramref name="ownsDatabase"/> drops it at the end.
    /// </summary>
    public static AppHost StartAgainst(Uri vapiBaseUrl, string apiKey, string webhookSecret, string pgDatabase, bool ownsDatabase,
        IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var cs = new NpgsqlConnectionStringBuilder(PostgresServer) { Database = pgDatabase }.ToString();
        // Instances sharing a database share its admin token, as they would share configuration.
        var token = "alx_test_" + pgDatabase;
        var mail = new SmtpSink();
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            b.UseSetting("urls", "http://127.0.0.1:0");
            b.UseSetting("Database:Provider", "Postgres");
            b.UseSetting("ConnectionStrings:Default", cs);
            b.UseSetting("Vapi:BaseUrl", vapiBaseUrl.ToString());
            b.UseSetting("Vapi:ApiKey", apiKey);
            b.UseSetting("Vapi:WebhookSecret", webhookSecret);
            b.UseSetting("Dialer:TickSeconds", "5");
            // A real account's defaults (weekday hours, legal hours, one call a second per line) would make a
            // time-compressed test wait for real hours: these hosts call any time, as fast as the simulator allows.
            foreach (var (k, v) in RealAccountTestSettings) b.UseSetting(k, v);
            UseAuth(b, token, null, demo: false);
            foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) b.UseSetting(k, v);
            if (services is not null) b.ConfigureServices(services);
        });
        return new AppHost(factory, null, ownsDatabase ? pgDatabase : null, webhookSecret, token, mail, vapiBaseUrl);
    }

    /// <summary>Settings for an app with a real (simulated) Vapi account in a test: any time, no legal hours, no pacing, one attempt.</summary>
    public static readonly IReadOnlyDictionary<string, string> RealAccountTestSettings = new Dictionary<string, string>
    {
        ["Compliance:DefaultCallingWindow:Days"] = "any", ["Compliance:EnforceLegalHours"] = "false", ["Compliance:DefaultRetry:MaxAttempts"] = "1",
        ["Dialer:CallStartsPerSecondPerLine"] = "1000", ["Dialer:CallStartsPerSecond"] = "10000",
    };

    /// <summary>A client with no credentials.</summary>
    public HttpClient Anonymous() => AuthFlows.TokenClient(BaseUrl, null);

    public HttpClient WithToken(string token) => AuthFlows.TokenClient(BaseUrl, token);

    /// <summary>
    /// A new person, the whole way: the admin allowlists the email with a role, the person asks for a sign-in link,
    /// opens it from the mail, and makes a personal API token. Returns a client using that token, and the session client.
    /// </summary>
    public async Task<(HttpClient Api, string Token, HttpClient Session)> SignUpAsync(string email, string role = "Operator")
    {
        using (var add = await Http.PostAsJsonAsync("api/allowlist", new { email, role }))
            if ((int)add.StatusCode != 201) throw new InvalidOperationException($"Allowlisting {email}: {(int)add.StatusCode} {await add.Content.ReadAsStringAsync()}");
        var session = await AuthFlows.SignInWithLinkAsync(BaseUrl, email, Mail);
        var token = await AuthFlows.CreateTokenAsync(session);
        return (WithToken(token), token, session);
    }

    public T Service<T>() where T : notnull => _factory.Services.GetRequiredService<T>();

    public async Task<TResult> WithDbAsync<TResult>(Func<AppDbContext, Task<TResult>> work)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var resp = await Http.GetAsync(path);
        resp.EnsureSuccessStatusCode();
        return await resp.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> SimStatsAsync() => await Simulator.GetFromJsonAsync<JsonElement>("_sim/stats");

    /// <summary>The first assistant's and phone line's ids, as form values for <c>POST /api/campaigns</c>.</summary>
    public async Task<(string Assistant, string Line)> IdsAsync()
    {
        var a = await GetJsonAsync("api/assistants");
        var l = await GetJsonAsync("api/phone-lines");
        return (a[0].GetProperty("id").GetInt64().ToString(), l[0].GetProperty("id").GetInt64().ToString());
    }

    /// <summary>Creates a campaign from CSV text through the multipart API and returns its id.</summary>
    /// <param name="as">Whose campaign it is: a signed-in client; the admin by default.</param>
    /// <param name="policy">The campaign's policy (JSON: calling window, retry, pool, pacing, guards); the defaults when null.</param>
    public async Task<long> CreateCampaignAsync(string csv, int cap = 5, string mode = "continuous", string name = "Test campaign", HttpClient? @as = null,
        string? policy = null, long? phoneLineId = null, long? assistantId = null)
    {
        var client = @as ?? Http;
        var assistants = await client.GetFromJsonAsync<JsonElement>("api/assistants");
        var lines = await client.GetFromJsonAsync<JsonElement>("api/phone-lines");
        var fields = new List<(string, string)>
        {
            ("name", name), ("assistantId", (assistantId ?? assistants[0].GetProperty("id").GetInt64()).ToString()),
            ("phoneLineId", (phoneLineId ?? lines[0].GetProperty("id").GetInt64()).ToString()), ("cap", cap.ToString()), ("mode", mode),
        };
        if (policy is not null) fields.Add(("policy", policy));
        using var form = Multipart(csv, fields.ToArray());
        using var resp = await client.PostAsync("api/campaigns", form);
        var body = await resp.Content.ReadAsStringAsync();
        if ((int)resp.StatusCode != 201) throw new InvalidOperationException($"Create failed: {(int)resp.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("campaignId").GetInt64();
    }

    public static MultipartFormDataContent Multipart(string csv, params (string Name, string Value)[] fields)
        => Multipart(System.Text.Encoding.UTF8.GetBytes(csv), fields);

    public static MultipartFormDataContent Multipart(byte[] file, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        form.Add(content, "file", "contacts.csv");
        foreach (var (n, v) in fields) form.Add(new StringContent(v), n);
        return form;
    }

    /// <summary>Polls the campaign until it reaches <paramref name="status"/> or the time runs out (then fails with the last state seen).</summary>
    public async Task<JsonElement> WaitForStatusAsync(long campaignId, string status, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        JsonElement last = default;
        while (DateTime.UtcNow < until)
        {
            last = await GetJsonAsync($"api/campaigns/{campaignId}");
            if (last.GetProperty("status").GetString() == status) return last;
            await Task.Delay(200);
        }
        throw new TimeoutException($"Campaign {campaignId} did not reach {status} in {timeout}; last: {last}");
    }

    /// <summary>Simulator settings that make every call end with one outcome (e.g. "Talked"), merged with <paramref name="more"/>.</summary>
    public static Dictionary<string, string?> OutcomesOnly(string outcome, IDictionary<string, string?>? more = null)
    {
        var settings = new[] { "Talked", "NoAnswer", "Busy", "Voicemail", "FailedToConnect", "Forwarded", "ProviderFault", "VapiFault" }
            .ToDictionary(o => $"Simulator:Outcomes:{o}", o => (string?)(o == outcome ? "1" : "0"));
        foreach (var (k, v) in more ?? new Dictionary<string, string?>()) settings[k] = v;
        return settings;
    }

    public static string SampleCsv(int rows, int firstNumber = 100)
    {
        var sb = new System.Text.StringBuilder("name,business_name,phone,city\n");
        for (var i = 0; i < rows; i++) sb.Append($"Person {i},Business {i},+1415555{(firstNumber + i) % 10000:0000},Town {i % 7}\n");
        return sb.ToString();
    }

    /// <summary>Changes the simulator's live settings (PUT /_sim/config), e.g. <c>new { faults = new { rate429 = 0.5 } }</c>.</summary>
    public async Task SimConfigAsync(object change)
    {
        using var resp = await Simulator.PutAsJsonAsync("_sim/config", change);
        if (!resp.IsSuccessStatusCode) throw new InvalidOperationException($"PUT /_sim/config: {(int)resp.StatusCode} {await resp.Content.ReadAsStringAsync()}");
    }

    /// <summary>The next matching API request(s) at the simulator answer this status (POST /_sim/faults/next).</summary>
    public async Task ScriptFaultAsync(int status, string path, string? method = null, string? message = null, int count = 1, int? retryAfter = null)
    {
        using var resp = await Simulator.PostAsJsonAsync("_sim/faults/next", new { status, path, method, message, count, retryAfter });
        resp.EnsureSuccessStatusCode();
    }

    /// <summary>A campaign's contacts in file order, keyed by name (first page of up to 500).</summary>
    public async Task<Dictionary<string, JsonElement>> ContactsByNameAsync(long campaignId)
        => (await GetJsonAsync($"api/campaigns/{campaignId}/contacts?pageSize=500")).GetProperty("items").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!);

    /// <summary>The numbers the simulator was asked to call, in the order the calls were created (refusals included).</summary>
    public async Task<List<string>> SimNumbersAsync()
        => (await SimCallsAsync()).OrderBy(c => c.GetProperty("createdAt").GetDateTimeOffset())
            .Select(c => c.GetProperty("customerNumber").GetString()!).ToList();

    /// <summary>Every call the simulator saw (GET /_sim/calls).</summary>
    public async Task<List<JsonElement>> SimCallsAsync()
        => (await Simulator.GetFromJsonAsync<JsonElement>("_sim/calls")).EnumerateArray().ToList();

    /// <summary>
    /// Judged by the simulator: each of the campaign's numbers rang exactly once. A call Vapi refused at its concurrency
    /// limit (created and ended at once, never dialled) does not ring.
    /// </summary>
    public async Task AssertEachNumberRangOnceAsync(int expectedNumbers)
    {
        var rang = (await SimCallsAsync()).Where(c => c.GetProperty("outcome").GetString() != "ConcurrencyBlocked")
            .GroupBy(c => c.GetProperty("customerNumber").GetString()!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expectedNumbers, rang.Count);
        Assert.All(rang, p => Assert.True(p.Value == 1, $"{p.Key} rang {p.Value} times"));
    }

    /// <summary>Stops the app the way a deploy does (graceful shutdown), keeping its database for inspection.</summary>
    public async Task StopGracefullyAsync()
    {
        var lifetime = Service<Microsoft.Extensions.Hosting.IHostApplicationLifetime>();
        var stopped = new TaskCompletionSource();
        lifetime.ApplicationStopped.Register(() => stopped.TrySetResult());
        lifetime.StopApplication();
        await stopped.Task.WaitAsync(TimeSpan.FromMinutes(2));
    }

    /// <summary>Polls <paramref name="read"/> until <paramref name="done"/> holds; fails after <paramref name="timeout"/> (a hang, not a timing judgement).</summary>
    public static async Task<T> WaitUntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null, string? what = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(1));
        T last;
        while (!done(last = await read()))
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"{what ?? "condition"} not reached; last value {last}");
            await Task.Delay(100);
        }
        return last;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Simulator.Dispose();
        await _factory.DisposeAsync();
        await Mail.DisposeAsync();
        if (_sqliteFile is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in new[] { _sqliteFile, _sqliteFile + "-wal", _sqliteFile + "-shm" }) try { File.Delete(f); } catch (IOException) { }
        }
        if (_pgDatabase is not null) await DropPostgresDatabaseAsync(_pgDatabase);
    }

    /// <summary>Drops a test database on the test PostgreSQL server, with whatever connections it still has.</summary>
    public static async Task DropPostgresDatabaseAsync(string database)
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgresServer) { Database = "postgres" }.ToString());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
