// Page bench: how long the campaign list and a campaign's page take to answer, server side, with real data.
// Runs the real app (Kestrel, SQLite, in-process simulator), creates campaigns, runs one to completion so it has
// calls and outcomes, signs in through the sign-in page like a person, then times GETs of the pre-rendered pages
// (the server renders the whole page, queries included) and of the API answers behind them.
//   dotnet run -c Release --project bench/PageBench -- [contacts=1000] [campaigns=10] [rounds=40]
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AutoLynx.Features.Auth;
using AutoLynx.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

var contacts = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
var campaigns = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 40;

Console.WriteLine($"AutoLynx page bench: {campaigns} campaigns of {contacts} contacts (one run to completion), {rounds} rounds, " +
                  $"{Environment.ProcessorCount} cores, load average {LoadAverage()}");

var db = Path.Combine(Path.GetTempPath(), $"autolynx-pagebench-{Guid.NewGuid():N}.db");
var token = "alx_bench_" + Guid.NewGuid().ToString("N");
await using (var factory = new WebApplicationFactory<AutoLynx.VapiOptions>().WithWebHostBuilder(b =>
{
    b.UseEnvironment("Development");
    b.UseSolutionRelativeContentRoot("src/AutoLynx", "AutoLynx.slnx");
    b.UseSetting("urls", "http://127.0.0.1:0");
    b.UseSetting("ConnectionStrings:Default", $"Data Source={db}");
    b.UseSetting("Simulator:TimeScale", "0.0005");
    b.UseSetting("Simulator:Seed", "2026");
    b.UseSetting("Logging:LogLevel:Default", "Warning");
    b.UseSetting("Auth:BootstrapApiToken", token);
}))
{
    factory.UseKestrel();
    factory.StartServer();
    var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    var baseUrl = new Uri(address.TrimEnd('/') + "/");
    using var api = AuthFlows.TokenClient(baseUrl, token);
    api.Timeout = TimeSpan.FromMinutes(5);

    var assistants = await api.GetFromJsonAsync<JsonElement>("api/assistants");
    var lines = await api.GetFromJsonAsync<JsonElement>("api/phone-lines");
    var ids = new List<long>();
    for (var n = 0; n < campaigns; n++)
    {
        var csv = new StringBuilder("name,business_name,phone,city\n");
        for (var i = 0; i < contacts; i++) csv.Append(CultureInfo.InvariantCulture, $"Person {i},Business {i},+1415{2_000_000 + (n * contacts + i) % 7_000_000:0000000},Town {i % 50}\n");
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(csv.ToString())), "file", "bench.csv" },
            { new StringContent($"bench {n}"), "name" },
            { new StringContent(assistants[0].GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture)), "assistantId" },
            { new StringContent(lines[0].GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture)), "phoneLineId" },
            { new StringContent("10"), "cap" },
        };
        using var resp = await api.PostAsync("api/campaigns", form);
        if ((int)resp.StatusCode != 201) throw new InvalidOperationException($"creating a campaign answered {(int)resp.StatusCode}: {await resp.Content.ReadAsStringAsync()}");
        var created = await resp.Content.ReadFromJsonAsync<JsonElement>();
        ids.Add(created.GetProperty("campaignId").GetInt64());
    }

    // The first campaign runs to the end: its page then has calls, outcomes and timelines to show.
    var run = ids[0];
    var clock = Stopwatch.StartNew();
    await api.PostAsync($"api/campaigns/{run}/start", null);
    while ((await api.GetFromJsonAsync<JsonElement>($"api/campaigns/{run}")).GetProperty("status").GetString() != "COMPLETED")
    {
        if (clock.Elapsed > TimeSpan.FromMinutes(20)) throw new TimeoutException("campaign did not complete");
        await Task.Delay(500);
    }
    Console.WriteLine($"campaign {run} completed in {clock.Elapsed.TotalSeconds:0.0} s");

    // Signed in as the demo admin through the sign-in page, as a browser would.
    var hint = factory.Services.GetRequiredService<SignInHint>();
    using var browser = AuthFlows.CookieClient(baseUrl);
    using (var signIn = await AuthFlows.PostFormAsync(browser, "signin", "password",
               new Dictionary<string, string> { ["Password.Email"] = hint.Email!, ["Password.Password"] = hint.Password! }))
        if ((int)signIn.StatusCode != 302) throw new InvalidOperationException($"sign-in answered {(int)signIn.StatusCode}");

    var targets = new (string Name, HttpClient Client, string Path)[]
    {
        ("page  /  (campaign list)", browser, ""),
        ($"page  /campaigns/{run}  (completed)", browser, $"campaigns/{run}"),
        ($"page  /campaigns/{ids[^1]}  (created)", browser, $"campaigns/{ids[^1]}"),
        ("api   /api/campaigns", api, "api/campaigns"),
        ($"api   /api/campaigns/{run}", api, $"api/campaigns/{run}"),
        ($"api   /api/campaigns/{run}/contacts", api, $"api/campaigns/{run}/contacts?pageSize=25"),
    };
    Console.WriteLine($"{"GET",-44} {"n",4} {"p50 ms",8} {"p95 ms",8} {"max ms",8} {"bytes",8}");
    foreach (var (name, client, path) in targets)
    {
        for (var i = 0; i < 3; i++) await GetAsync(client, path); // warm-up
        var times = new List<double>();
        var bytes = 0;
        for (var i = 0; i < rounds; i++)
        {
            var sw = Stopwatch.StartNew();
            bytes = await GetAsync(client, path);
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        Console.WriteLine($"{name,-44} {times.Count,4} {Q(times, 0.5),8:0.0} {Q(times, 0.95),8:0.0} {times[^1],8:0.0} {bytes,8}");
    }
}
Console.WriteLine($"load average at the end: {LoadAverage()}");
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
foreach (var f in new[] { db, db + "-wal", db + "-shm" }) try { File.Delete(f); } catch (IOException) { }

static async Task<int> GetAsync(HttpClient client, string path)
{
    using var resp = await client.GetAsync(path);
    var body = await resp.Content.ReadAsByteArrayAsync();
    if (!resp.IsSuccessStatusCode) throw new InvalidOperationException($"GET {path} answered {(int)resp.StatusCode}");
    return body.Length;
}

static double Q(List<double> sorted, double q) => sorted[(int)Math.Min(sorted.Count - 1, Math.Round(q * (sorted.Count - 1)))];

static string LoadAverage()
{
    try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
    catch (IOException) { return "?"; }
}
