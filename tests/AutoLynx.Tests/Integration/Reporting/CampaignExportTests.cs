using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Contacts;
using AutoLynx.Tests.Infrastructure;
using AutoLynx.Wire;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Tests.Integration.Reporting;

/// <summary>GET /api/campaigns/{id}/export.csv through HTTP: parsed back with a CSV reader and compared with the database.</summary>
public sealed class CampaignExportTests
{
    private static readonly string[] Fixed =
    [
        "name", "business_name", "phone", "status", "ended_reason", "cost", "recording_url", "transcript_json",
        "attempts", "outcome", "started_at", "ended_at", "duration_s", "summary", "success_evaluation", "structured_data", "call_id",
    ];

    private static readonly CallOutcome[] Mix =
        [CallOutcome.Talked, CallOutcome.NoAnswer, CallOutcome.Voicemail, CallOutcome.Busy, CallOutcome.Forwarded, CallOutcome.FailedToConnect];

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Export_100kContacts_EveryFieldMatchesTheDatabase(Db db)
    {
        const int rows = 100_000;
        await using var app = AppHost.Start(db);
        var id = await app.CreateCampaignAsync(ResultsSeed.Csv(rows, i => i % 997 == 3 ? ("=1+2", "@Acme") : ($"Zoë {i}", $"Müller, \"GmbH\" {i}")),
            name: "Big export");
        var contacts = await ResultsSeed.ContactsAsync(app, id);
        Assert.Equal(rows, contacts.Count);
        var line = await ResultsSeed.LineIdAsync(app);
        var t0 = new DateTime(2026, 11, 20, 9, 0, 0, DateTimeKind.Utc);
        var calls = new List<Call>();
        for (var i = 0; i < contacts.Count; i += 3)
        {
            var attempts = i % 9 == 0 ? 2 : 1;
            for (var a = 1; a <= attempts; a++)
            {
                var outcome = Mix[(i + a) % Mix.Length];
                var connected = CallOutcomes.IsConnected(outcome);
                var call = ResultsSeed.Ended(id, contacts[i].Id, line, t0.AddSeconds(i).AddMilliseconds(a * 137), outcome, $"reason-{outcome}",
                    duration: connected ? 30 + i % 200 + 0.25 : null, cost: 0.0125m + (i % 100) / 1000m, success: connected ? (i % 2 == 0 ? "true" : "false") : null, attempt: a);
                call.RecordingUrl = $"https://storage.example/rec/{i}-{a}.wav";
                call.MessagesJson = i % 4 == 0 ? null : $$"""[{"role":"bot","message":"Hi {{i}}, \"quoted\", comma","secondsFromStart":1.5},{"role":"user","message":"línea\nnueva"}]""";
                call.Transcript = $"AI: Hi {i}\nUser: ¿Sí?";
                call.Summary = i % 11 == 0 ? $"+cmd|' /C calc'!A{i}" : $"Talked about \"pricing\", then\nbooked {i}";
                call.StructuredDataJson = connected ? $$"""{"booked":{{(i % 2 == 0 ? "true" : "false")}},"note":"a, b"}""" : null;
                calls.Add(call);
            }
        }
        await ResultsSeed.AddCallsAsync(app, calls);
        await app.WithDbAsync(d => d.Contacts.Where(c => c.CampaignId == id && d.Calls.Any(k => k.ContactId == c.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.State, ContactState.Completed).SetProperty(c => c.Attempts, c => d.Calls.Count(k => k.ContactId == c.Id))));

        using var resp = await app.Http.GetAsync($"api/campaigns/{id}/export.csv", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("text/csv", resp.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Big-export-results.csv", resp.Content.Headers.ContentDisposition?.FileNameStar ?? resp.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(rows.ToString(), resp.Headers.GetValues("X-Export-Rows").Single());
        var (header, records) = await ReadAsync(resp);
        Assert.Equal([.. Fixed, "city", "notes"], header);
        Assert.Equal(rows, records.Count);

        var expected = await ExpectedAsync(app, id);
        for (var i = 0; i < rows; i++)
        {
            var want = expected[i];
            var got = records[i];
            for (var f = 0; f < header.Length; f++)
                if (want[f] != got[f]) Assert.Fail($"row {i + 2}, column {header[f]}: expected «{want[f]}», got «{got[f]}»");
        }
        // The fixture really has what the comparison is about.
        Assert.Contains(records, r => r[0] == "'=1+2" && r[1] == "'@Acme");
        Assert.Contains(records, r => r[13].StartsWith("'+cmd|", StringComparison.Ordinal));
        Assert.Contains(records, r => r[7].StartsWith("[{\"role\"", StringComparison.Ordinal));
        Assert.Equal(rows / 3 + 1, records.Count(r => r[16].Length > 0));
    }

    [Fact]
    public async Task Export_FormulaCells_StartWithAnApostropheAndPhonesStayAsTheyAre()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        var csv = "name,business_name,phone,city,formula\n" +
                  "=1+2,@Acme,+14155550100,-5,\"=HYPERLINK(\"\"http://x\"\")\"\n" +
                  "+Ann,Beta,+14155550101,\t tab,@SUM(A1)\n";
        var id = await app.CreateCampaignAsync(csv);
        var contacts = await ResultsSeed.ContactsAsync(app, id);
        var call = ResultsSeed.Ended(id, contacts[0].Id, await ResultsSeed.LineIdAsync(app), DateTime.UtcNow, CallOutcome.Talked, "customer-ended-call", 40);
        call.Summary = "=cmd|' /C calc'!A0";
        call.SuccessEvaluation = "-1";
        await ResultsSeed.AddCallsAsync(app, [call]);

        using var resp = await app.Http.GetAsync($"api/campaigns/{id}/export.csv");
        var (header, rows) = await ReadAsync(resp);
        Assert.Equal([.. Fixed, "city", "formula"], header);
        Assert.Equal(["'=1+2", "'@Acme", "+14155550100"], rows[0][..3]);
        Assert.Equal("'=cmd|' /C calc'!A0", rows[0][13]);
        Assert.Equal("'-1", rows[0][14]);
        Assert.Equal(["'-5", "'=HYPERLINK(\"http://x\")"], rows[0][^2..]);
        Assert.Equal(["'+Ann", "Beta", "+14155550101"], rows[1][..3]);
        Assert.Equal("'@SUM(A1)", rows[1][^1]);
    }

    [Fact]
    public async Task Export_Excel_StartsWithBomAndSepLineAndKeepsAccents()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        var id = await app.CreateCampaignAsync("name,business_name,phone\nZoë Müller,Café Ünïcode,+14155550100\n");
        var bytes = await app.Http.GetByteArrayAsync($"api/campaigns/{id}/export.csv?excel=true");
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var text = new UTF8Encoding(false).GetString(bytes[3..]);
        Assert.StartsWith("sep=,\r\nname,business_name,phone,status,", text);
        Assert.Contains("\r\nZoë Müller,Café Ünïcode,+14155550100,PENDING,", text);

        var plain = await app.Http.GetByteArrayAsync($"api/campaigns/{id}/export.csv");
        Assert.StartsWith("name,business_name,phone,", Encoding.UTF8.GetString(plain));
    }

    [Fact]
    public async Task Export_WhileCampaignRuns_EveryContactOnceWithTheCallsStoredAtThatMoment()
    {
        await using var app = AppHost.Start(Db.Sqlite, new Dictionary<string, string?> { ["Simulator:TimeScale"] = "0.01" });
        const int rows = 80;
        var id = await app.CreateCampaignAsync(ResultsSeed.Csv(rows), cap: 8, name: "Live export");
        (await app.Http.PostAsync($"api/campaigns/{id}/start", null)).EnsureSuccessStatusCode();

        // Wait until some calls have ended and others are still to come, then export mid-run.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var s = await app.GetJsonAsync($"api/campaigns/{id}");
            var k = s.GetProperty("counters");
            if (k.GetProperty("completed").GetInt32() + k.GetProperty("failed").GetInt32() >= 5 && k.GetProperty("pending").GetInt32() > 20) break;
            Assert.True(DateTime.UtcNow < deadline, $"campaign never got under way: {s}");
            await Task.Delay(100);
        }
        using (var resp = await app.Http.GetAsync($"api/campaigns/{id}/export.csv"))
        {
            var (_, records) = await ReadAsync(resp);
            Assert.Equal(rows, records.Count);
            Assert.Equal(rows, records.Select(r => r[2]).Distinct().Count());
            var states = records.Select(r => r[3]).ToHashSet();
            Assert.Contains("PENDING", states);
            Assert.True(states.Contains("COMPLETED") || states.Contains("FAILED"), string.Join(",", states));
            var known = await app.WithDbAsync(d => d.Calls.Where(c => c.CampaignId == id && c.ProviderCallId != null).Select(c => c.ProviderCallId!).ToListAsync());
            Assert.All(records.Where(r => r[16].Length > 0), r => Assert.Contains(r[16], known));
            Assert.All(records.Where(r => r[3] == "PENDING"), r => Assert.Equal("", r[9]));
        }

        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(3));
        using var done = await app.Http.GetAsync($"api/campaigns/{id}/export.csv");
        var (header, final) = await ReadAsync(done);
        Assert.Equal(rows, final.Count);
        Assert.All(final, r => Assert.NotEqual("", r[9]));
        var expected = await ExpectedAsync(app, id);
        for (var i = 0; i < rows; i++) Assert.Equal(expected[i], final[i]);
        Assert.Equal(header.Length, expected[0].Length);
    }

    [Fact]
    public async Task Export_FilterByOutcomeAndStatus_OnlyMatchingContactsUnknownValueIs400()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        var id = await app.CreateCampaignAsync(ResultsSeed.Csv(6));
        var contacts = await ResultsSeed.ContactsAsync(app, id);
        var line = await ResultsSeed.LineIdAsync(app);
        var now = DateTime.UtcNow;
        // Contact 0: no answer, then talked (last call counts). 1: talked then busy. 2: voicemail. 3: failed. 4, 5: not called.
        await ResultsSeed.AddCallsAsync(app,
        [
            ResultsSeed.Ended(id, contacts[0].Id, line, now, CallOutcome.NoAnswer, "customer-did-not-answer"),
            ResultsSeed.Ended(id, contacts[1].Id, line, now, CallOutcome.Talked, "customer-ended-call", 20),
            ResultsSeed.Ended(id, contacts[2].Id, line, now, CallOutcome.Voicemail, "voicemail"),
            ResultsSeed.Ended(id, contacts[3].Id, line, now, CallOutcome.FailedToConnect, "twilio-failed-to-connect-call"),
            ResultsSeed.Ended(id, contacts[0].Id, line, now.AddMinutes(5), CallOutcome.Talked, "customer-ended-call", 40, attempt: 2),
            ResultsSeed.Ended(id, contacts[1].Id, line, now.AddMinutes(5), CallOutcome.Busy, "customer-busy", attempt: 2),
        ]);
        await app.WithDbAsync(d => d.Contacts.Where(c => c.Id == contacts[3].Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.State, ContactState.Failed)));
        var done = new[] { contacts[0].Id, contacts[1].Id, contacts[2].Id };
        await app.WithDbAsync(d => d.Contacts.Where(c => done.Contains(c.Id)).ExecuteUpdateAsync(s => s.SetProperty(c => c.State, ContactState.Completed)));

        async Task<string[]> Phones(string query)
        {
            using var resp = await app.Http.GetAsync($"api/campaigns/{id}/export.csv?{query}");
            Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
            var (_, rows) = await ReadAsync(resp);
            Assert.Equal(rows.Count.ToString(), resp.Headers.GetValues("X-Export-Rows").Single());
            return rows.Select(r => r[2]).ToArray();
        }
        Assert.Equal([contacts[0].Phone], await Phones("outcome=talked"));
        Assert.Equal([contacts[0].Phone, contacts[1].Phone, contacts[2].Phone], await Phones("outcome=talked,busy&outcome=Voicemail"));
        Assert.Equal([contacts[3].Phone], await Phones("status=failed"));
        Assert.Equal([contacts[4].Phone, contacts[5].Phone], await Phones("status=PENDING&outcome="));
        Assert.Empty(await Phones("status=FAILED&outcome=talked"));

        using var bad = await app.Http.GetAsync($"api/campaigns/{id}/export.csv?outcome=happy&status=asleep");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Contains("happy", problem.GetProperty("outcome")[0].GetString());
        Assert.Contains("no-answer", problem.GetProperty("outcome")[0].GetString());
        Assert.Contains("asleep", problem.GetProperty("status")[0].GetString());

        using var missing = await app.Http.GetAsync("api/campaigns/987654/export.csv");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    private static async Task<(string[] Header, List<string[]> Rows)> ReadAsync(HttpResponseMessage resp)
    {
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        await using var stream = await resp.Content.ReadAsStreamAsync();
        using var text = new StreamReader(stream, Encoding.UTF8);
        using var csv = new CsvReader(text, new CsvConfiguration(CultureInfo.InvariantCulture) { BadDataFound = null });
        var rows = new List<string[]>();
        string[]? header = null;
        while (await csv.ReadAsync())
        {
            var record = csv.Parser.Record!;
            if (header is null) header = record;
            else rows.Add(record);
        }
        return (header!, rows);
    }

    /// <summary>What every row must say, built from the database independently of the export's code.</summary>
    private static async Task<List<string[]>> ExpectedAsync(AppHost app, long id)
    {
        var (contacts, calls) = await app.WithDbAsync(async d => (
            await d.Contacts.AsNoTracking().Where(c => c.CampaignId == id).OrderBy(c => c.RowNumber).ToListAsync(),
            await d.Calls.AsNoTracking().Where(c => c.CampaignId == id).ToListAsync()));
        var last = calls.GroupBy(c => c.ContactId).ToDictionary(g => g.Key, g => g.MaxBy(c => c.Id)!);
        var extraNames = contacts.SelectMany(c => c.ExtraJson is null ? Enumerable.Empty<string>() : JsonSerializer.Deserialize<Dictionary<string, string>>(c.ExtraJson)!.Keys).Distinct().ToList();
        return contacts.Select(c =>
        {
            var k = last.GetValueOrDefault(c.Id);
            var extra = c.ExtraJson is null ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(c.ExtraJson)!;
            var fields = new List<string>
            {
                Cell(c.Name), Cell(c.BusinessName), c.Phone, WireNames.State(c.State), Cell(k?.EndedReason),
                k?.Cost is { } cost ? cost.ToString("0.######", CultureInfo.InvariantCulture) : "", Cell(k?.RecordingUrl),
                k is null ? "" : k.MessagesJson ?? (k.Transcript is null ? "" : JsonSerializer.Serialize(k.Transcript, JsonSerializerOptions.Web)),
                c.Attempts.ToString(CultureInfo.InvariantCulture), k?.Outcome is { } o ? WireNames.Kind(o) : "",
                Time(k?.StartedAt), Time(k?.EndedAt), k?.DurationSeconds is { } d ? d.ToString("0.###", CultureInfo.InvariantCulture) : "",
                Cell(k?.Summary), Cell(k?.SuccessEvaluation), Cell(k?.StructuredDataJson), k?.ProviderCallId ?? "",
            };
            fields.AddRange(extraNames.Select(n => Cell(extra.GetValueOrDefault(n))));
            return fields.ToArray();
        }).ToList();
    }

    /// <summary>A spreadsheet runs a cell starting with = + - @ tab or CR as a formula: it must come with a leading apostrophe.</summary>
    private static string Cell(string? v) => string.IsNullOrEmpty(v) ? "" : "=+-@\t\r".Contains(v[0]) && !Regex.IsMatch(v, @"^\+\d{4,15}$") ? "'" + v : v;

    private static string Time(DateTime? t) => t is null ? "" : t.Value.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
