using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AutoLynx.Features.Auth;
using AutoLynx.Testing;
using ImportBench;
using Microsoft.Extensions.DependencyInjection;
using ResultsBench;

namespace PageBench;

// Page bench: how long the campaign list, a 100,000-contact campaign's page and its contacts table take to answer,
// server side, on SQLite and PostgreSQL. The real app runs in this process (ImportBench's BenchApp); the big campaign
// is seeded with plain SQL beside it (ResultsBench's Seeder), then shaped into a running campaign's mix of states.
//   dotnet build bench/PageBench -c Release
//   dotnet bench/PageBench/bin/Release/net10.0/PageBench.dll                         both databases, each in a fresh process
//   dotnet bench/PageBench/bin/Release/net10.0/PageBench.dll sqlite [contacts=100000] [rounds=40]
// (Not top-level statements: their class would be called Program and hide the app's Program from WebApplicationFactory.)
public static class PageRunner
{
    private const int PageSize = 25, DeepPage = 1500, SmallCampaigns = 8, SmallContacts = 1000;

    public static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        var contacts = Arg(args, 1, 100_000);
        var rounds = Arg(args, 2, 40);
        if (args.Length >= 1 && args[0] is "sqlite" or "postgres") return await RunCaseAsync(args[0], contacts, rounds);

        Console.WriteLine($"AutoLynx page bench — {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {BenchProcess.LoadAverage()}");
        return await BenchProcess.RunPerDatabaseAsync(typeof(PageRunner), args, "seeded", "load");
    }

    private static int Arg(string[] args, int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;

    private static async Task<int> RunCaseAsync(string db, int contacts, int rounds)
    {
        Console.WriteLine($"\n## {db}: a {contacts:N0}-contact campaign and {SmallCampaigns} of {SmallContacts:N0}, {rounds} timed requests each — load average {BenchProcess.LoadAverage()}");
        await using var app = new BenchApp(db, maxFileBytes: 64L * 1024 * 1024, maxRows: 2_000_000);
        var now = DateTime.UtcNow;
        var seeder = new Seeder(app, now);
        var clock = Stopwatch.StartNew();
        var template = await CreateCampaignAsync(app);
        var (assistants, lines) = await seeder.EnsureAssistantsAndLinesAsync(1, 1);
        for (var n = 0; n < SmallCampaigns; n++)
        {
            var small = await seeder.CampaignAsync(template, $"Small {n}", assistants[0], lines[0], SmallContacts);
            await seeder.ContactsAndCallsAsync(small, lines[0], SmallContacts, 1, now.AddDays(-10 + n), TimeSpan.FromHours(6), rich: false);
        }
        // The big one last, so it is the newest and on the list's first page; a campaign under way: a quarter still to call.
        var big = await seeder.CampaignAsync(template, "Big campaign", assistants[0], lines[0], contacts);
        await seeder.ContactsAndCallsAsync(big, lines[0], contacts, 1, now.AddHours(-6), TimeSpan.FromHours(5), rich: false);
        await seeder.ExecuteAsync($"""
            UPDATE contacts SET
                state = CASE WHEN row_number % 20 < 12 THEN 'Completed' WHEN row_number % 20 < 14 THEN 'Failed' WHEN row_number % 20 < 15 THEN 'Skipped' ELSE 'Pending' END,
                last_outcome = CASE WHEN row_number % 20 >= 15 THEN NULL WHEN row_number % 7 < 3 THEN 'Talked' WHEN row_number % 7 < 5 THEN 'NoAnswer' ELSE 'Voicemail' END,
                attempts = CASE WHEN row_number % 20 >= 15 THEN 0 ELSE 1 END
            WHERE campaign_id = {big}
            """);
        await seeder.ExecuteAsync($"UPDATE campaigns SET status = 'Paused', total_contacts = {contacts} WHERE id = {big}");
        await seeder.AnalyzeAsync();
        var rollup = await seeder.WaitForRollupAsync(TimeSpan.FromMinutes(30));
        Console.WriteLine($"seeded {await seeder.ScalarAsync("SELECT COUNT(*) FROM contacts"):N0} contacts and {await seeder.ScalarAsync("SELECT COUNT(*) FROM calls"):N0} calls in {clock.Elapsed.TotalSeconds:0.0} s (rollup {rollup.TotalSeconds:0.0} s)");

        // Signed in as the demo admin through the sign-in page, as a browser is.
        var hint = app.Services.GetRequiredService<SignInHint>();
        using var browser = AuthFlows.CookieClient(app.Http.BaseAddress!);
        using (var signIn = await AuthFlows.PostFormAsync(browser, "signin", "password",
                   new Dictionary<string, string> { ["Password.Email"] = hint.Email!, ["Password.Password"] = hint.Password! }))
            if ((int)signIn.StatusCode != 302) throw new InvalidOperationException($"sign-in answered {(int)signIn.StatusCode}");

        var contactsUrl = $"api/campaigns/{big}/contacts?pageSize={PageSize}";
        var targets = new List<(string Name, HttpClient Client, string Path)>
        {
            ("page /  (campaign list)", browser, ""),
            ($"page /campaigns/{{id}}  ({contacts / 1000}k contacts)", browser, $"campaigns/{big}"),
            ("api /api/campaigns", app.Http, "api/campaigns"),
            ("api /api/campaigns/{id}", app.Http, $"api/campaigns/{big}"),
            ("contacts, first page", app.Http, contactsUrl),
            ($"contacts, page {DeepPage:N0}", app.Http, $"{contactsUrl}&page={DeepPage}"),
            ("contacts, sorted by name, first page", app.Http, $"{contactsUrl}&sort=name"),
            ($"contacts, sorted by name, page {DeepPage:N0}", app.Http, $"{contactsUrl}&sort=name&page={DeepPage}"),
            ("contacts, searched \"4242\"", app.Http, $"{contactsUrl}&search=4242"),
            ("contacts, status pending, first page", app.Http, $"{contactsUrl}&status=pending"),
            ("contacts, status pending, page 500", app.Http, $"{contactsUrl}&status=pending&page=500"),
        };
        // With keyset paging the API hands out a cursor to the next page: the same deep pages, reached by cursor.
        foreach (var (label, query, page) in new[] { ("", "", DeepPage), (", sorted by name", "&sort=name", DeepPage), (", status pending", "&status=pending", 500) })
        {
            var before = await GetJsonAsync(app.Http, $"{contactsUrl}{query}&page={page - 1}");
            if (before.TryGetProperty("nextCursor", out var cursor) && cursor.ValueKind == JsonValueKind.String)
                targets.Add(($"contacts{label}, page {page:N0} by cursor", app.Http, $"{contactsUrl}{query}&cursor={Uri.EscapeDataString(cursor.GetString()!)}"));
        }

        Console.WriteLine();
        Console.WriteLine("| db | GET | n | p50 ms | p95 ms | max ms | bytes |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (name, client, path) in targets)
        {
            for (var i = 0; i < 3; i++) await GetAsync(client, path); // warm-up
            var ms = new List<double>();
            var bytes = 0;
            for (var i = 0; i < rounds; i++)
            {
                var sw = Stopwatch.StartNew();
                bytes = await GetAsync(client, path);
                ms.Add(sw.Elapsed.TotalMilliseconds);
            }
            ms.Sort();
            Console.WriteLine($"| {db} | {name} | {ms.Count} | {Rank(ms, 0.5):0.0} | {Rank(ms, 0.95):0.0} | {ms[^1]:0.0} | {bytes:N0} |");
        }
        Console.WriteLine($"\nload average at the end: {BenchProcess.LoadAverage()}");
        return 0;
    }

    /// <summary>Nearest rank.</summary>
    private static double Rank(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>A one-contact campaign through the API: the template the seeded campaigns copy (owner, policy).</summary>
    private static async Task<long> CreateCampaignAsync(BenchApp app)
    {
        var assistant = (await GetJsonAsync(app.Http, "api/assistants"))[0].GetProperty("id").GetInt64();
        var line = (await GetJsonAsync(app.Http, "api/phone-lines"))[0].GetProperty("id").GetInt64();
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes("name,business_name,phone\nTemplate Person,Template Inc,+14155550123\n")), "file", "template.csv" },
            { new StringContent("template"), "name" },
            { new StringContent(assistant.ToString(CultureInfo.InvariantCulture)), "assistantId" },
            { new StringContent(line.ToString(CultureInfo.InvariantCulture)), "phoneLineId" },
        };
        using var resp = await app.Http.PostAsync("api/campaigns", form);
        var body = await resp.Content.ReadAsStringAsync();
        if (!resp.IsSuccessStatusCode) throw new InvalidOperationException($"creating the template campaign answered {(int)resp.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("campaignId").GetInt64();
    }

    private static async Task<int> GetAsync(HttpClient client, string path)
    {
        using var resp = await client.GetAsync(path);
        var body = await resp.Content.ReadAsByteArrayAsync();
        if (!resp.IsSuccessStatusCode) throw new InvalidOperationException($"GET {path} answered {(int)resp.StatusCode}: {Encoding.UTF8.GetString(body[..Math.Min(500, body.Length)])}");
        return body.Length;
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string url)
    {
        using var resp = await client.GetAsync(url);
        var body = await resp.Content.ReadAsStringAsync();
        if (!resp.IsSuccessStatusCode) throw new InvalidOperationException($"{url}: {(int)resp.StatusCode} {body[..Math.Min(500, body.Length)]}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

}
