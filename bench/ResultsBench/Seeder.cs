using System.Data.Common;
using System.Globalization;
using AutoLynx.Features.Engine;
using ImportBench;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ResultsBench;

/// <summary>
/// Seeds results with plain INSERT … SELECT over a generated series, on the app's own database while it runs. The
/// rows go through the <c>calls</c> table like any writer's, so the rollup triggers note every one of them and the
/// app's refresher folds them in (<see cref="WaitForRollupAsync"/>): nothing writes <c>call_stats</c> behind its back.
/// On SQLite every statement holds the app's write gate, as the app's own writers do.
/// </summary>
public sealed class Seeder(BenchApp app, DateTime now)
{
    private readonly bool _pg = app.Db != "sqlite";
    private readonly SqliteWriteGate _gate = app.Services.GetRequiredService<SqliteWriteGate>();

    /// <summary>Contacts written per statement (keeps each SQLite write under the gate's 10 s wait).</summary>
    private const int Chunk = 100_000;

    private static readonly string[] Zones = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"];

    // Outcome by a hash 0–99 of the call: 30 % talked, 5 % forwarded, 25 % no answer, 10 % busy, 18 % voicemail,
    // 7 % failed to connect, 3 % provider fault, 1 % error, 1 % refused for the concurrency limit (never dialed).
    private const string OutcomeCase = """
        CASE WHEN h < 30 THEN 'Talked' WHEN h < 35 THEN 'Forwarded' WHEN h < 60 THEN 'NoAnswer' WHEN h < 70 THEN 'Busy'
             WHEN h < 88 THEN 'Voicemail' WHEN h < 95 THEN 'FailedToConnect' WHEN h < 98 THEN 'ProviderFault' WHEN h < 99 THEN 'Error'
             ELSE 'ConcurrencyLimited' END
        """;
    private const string ReasonCase = """
        CASE WHEN h < 30 THEN 'customer-ended-call' WHEN h < 35 THEN 'assistant-forwarded-call' WHEN h < 60 THEN 'customer-did-not-answer'
             WHEN h < 70 THEN 'customer-busy' WHEN h < 88 THEN 'voicemail' WHEN h < 95 THEN 'call.in-progress.error-sip-outbound-call-failed-to-connect'
             WHEN h < 98 THEN 'pipeline-error-openai-llm-failed' WHEN h < 99 THEN 'unknown-error' ELSE NULL END
        """;
    private const string ExtraJson = """'{"city":"Town ' || (i % 97) || '","notes":"lead ' || (i % 997) || '"}'""";
    private const string DurationCase = "CASE WHEN h < 35 THEN 20 + (j * 7919) % 280 WHEN h >= 70 AND h < 88 THEN 25 WHEN h < 70 THEN 0 ELSE NULL END";

    public async Task<DbConnection> OpenAsync()
    {
        DbConnection conn = _pg ? new NpgsqlConnection(app.ConnectionString) : new SqliteConnection(app.ConnectionString);
        await conn.OpenAsync();
        return conn;
    }

    /// <summary>Adds assistants and phone lines (copies of the demo's first) until there are that many of each.</summary>
    public async Task<(long[] Assistants, long[] Lines)> EnsureAssistantsAndLinesAsync(int assistants, int lines)
    {
        await using var conn = await OpenAsync();
        for (var k = 1; k < assistants; k++)
            await ExecAsync(conn, $"""
                INSERT INTO assistants (provider_assistant_id, name, source, config_json, active, created_by, created_at, updated_at, version)
                SELECT 'bench-assistant-{k}', 'Bench assistant {k}', source, config_json, active, created_by, created_at, updated_at, version
                FROM assistants WHERE id = (SELECT MIN(id) FROM assistants)
                """);
        for (var k = 1; k < lines; k++)
            await ExecAsync(conn, $"""
                INSERT INTO phone_lines (provider_phone_number_id, number, name, provider, active, max_concurrent, created_at)
                SELECT 'bench-line-{k}', '+1415555{k:0000}', 'Bench line {k}', provider, active, max_concurrent, created_at
                FROM phone_lines WHERE id = (SELECT MIN(id) FROM phone_lines)
                """);
        return ((await IdsAsync(conn, "SELECT id FROM assistants ORDER BY id")).Take(assistants).ToArray(),
            (await IdsAsync(conn, "SELECT id FROM phone_lines ORDER BY id")).Take(lines).ToArray());
    }

    /// <summary>A completed campaign copied from <paramref name="template"/> (one the API created), for the given assistant and line.</summary>
    public async Task<long> CampaignAsync(long template, string name, long assistant, long line, int contacts)
    {
        await using var conn = await OpenAsync();
        await ExecAsync(conn, $"""
            INSERT INTO campaigns (assistant_id, cap, created_at, line_quiet_gating, mode, name, owner_id, phone_line_id, status, total_contacts, updated_at, version, policy_json)
            SELECT {assistant}, cap, created_at, line_quiet_gating, mode, '{name}', owner_id, {line}, 'Completed', {contacts}, updated_at, version, policy_json
            FROM campaigns WHERE id = {template}
            """);
        return (await IdsAsync(conn, "SELECT MAX(id) FROM campaigns"))[0];
    }

    /// <summary>
    /// <paramref name="contacts"/> contacts, each called <paramref name="attempts"/> times, the calls spread evenly over
    /// [start, start + span) in dialling order (every contact once, then again). <paramref name="rich"/> calls carry
    /// what a real ended call stores (transcript messages, summary, structured data, recording): the export's load.
    /// </summary>
    public async Task ContactsAndCallsAsync(long campaign, long line, int contacts, int attempts, DateTime start, TimeSpan span, bool rich)
    {
        await using var conn = await OpenAsync();
        var total = (long)contacts * attempts;
        var secondsPerCall = span.TotalSeconds / total;
        for (var from = 0; from < contacts; from += Chunk)
        {
            var n = Math.Min(Chunk, contacts - from);
            await ExecAsync(conn, $"""
                INSERT INTO contacts (campaign_id, row_number, name, business_name, phone, extra_json, batch_index, state, attempts, updated_at, time_zone)
                WITH RECURSIVE {Series("s", from, from + n)}
                SELECT {campaign}, i + 1, 'Person ' || i || ' Lastname', 'Business ' || (i % 50000) || ', Inc.', '+1' || (2125550000 + i),
                       {ExtraJson}, 0, 'Completed', {attempts}, {Ts(now, "0")},
                       CASE i % 5 {string.Join(' ', Zones.Select((z, k) => $"WHEN {k} THEN '{z}'"))} ELSE NULL END
                FROM s
                """);
        }
        // The calls in dialling order (j), so the triggers' change rows come grouped by hour, as a live campaign's do.
        var firstContact = (await IdsAsync(conn, $"SELECT MIN(id) FROM contacts WHERE campaign_id = {campaign}"))[0];
        for (long from = 0; from < total; from += Chunk)
        {
            var n = Math.Min(Chunk, total - from);
            var created = Ts(start, $"j * {secondsPerCall.ToString("R", CultureInfo.InvariantCulture)}");
            var rich1 = rich ? """
                CASE WHEN h < 35 OR (h >= 70 AND h < 88) THEN 'https://storage.vapi.ai/bench/' || j || '-' || {campaign} || '.wav' END,
                CASE WHEN h < 35 THEN 'AI: Hi, this is Alex from Bench Dental. Am I speaking with the office manager?' || CHAR(10) || 'User: Yes, speaking. What is this about?' || CHAR(10) || 'AI: We help practices fill last-minute cancellations. Would a short demo next week work?' || CHAR(10) || 'User: Sure, Tuesday morning.' END,
                CASE WHEN h < 35 THEN '[{"role":"system","message":"You are Alex, a friendly scheduling assistant.","time":0,"secondsFromStart":0},{"role":"bot","message":"Hi, this is Alex from Bench Dental. Am I speaking with the office manager?","time":1,"secondsFromStart":0.8},{"role":"user","message":"Yes, speaking. What is this about?","time":2,"secondsFromStart":4.1},{"role":"bot","message":"We help practices fill last-minute cancellations. Would a short demo next week work?","time":3,"secondsFromStart":6.2},{"role":"user","message":"Sure, Tuesday morning, \"after ten\".","time":4,"secondsFromStart":11.5}]' END,
                CASE WHEN h < 35 THEN 'The office manager agreed to a demo on Tuesday morning after ten; wants a reminder by e-mail the day before.' END,
                CASE WHEN h < 35 THEN CASE WHEN j % 3 = 0 THEN 'true' ELSE 'false' END END,
                CASE WHEN h < 35 THEN '{"interested":true,"demoDay":"Tuesday","callback":null,"decisionMaker":"office manager"}' END
                """.Replace("{campaign}", campaign.ToString(CultureInfo.InvariantCulture))
                : "NULL, NULL, NULL, NULL, CASE WHEN h < 35 THEN CASE WHEN j % 3 = 0 THEN 'true' ELSE 'false' END END, NULL";
            if (!_pg) rich1 = rich1.Replace("CHAR(10)", "char(10)");
            else rich1 = rich1.Replace("CHAR(10)", "chr(10)");
            await ExecAsync(conn, $"""
                INSERT INTO calls (campaign_id, contact_id, attempt_number, phone_line_id, launch_key, provider_call_id, status, outcome, ended_reason,
                                   created_at, launched_at, started_at, ended_at, last_event_at, duration_seconds, cost,
                                   recording_url, transcript, messages_json, summary, success_evaluation, structured_data_json)
                SELECT {campaign}, {firstContact} + j % {contacts}, 1 + j / {contacts}, {line}, 'bench-{campaign}-' || j,
                       CASE WHEN h < 99 THEN 'bench-call-{campaign}-' || j END, CASE WHEN h < 99 THEN 'Ended' ELSE 'Failed' END,
                       {OutcomeCase}, {ReasonCase},
                       {created}, {created}, {created}, {created}, {created}, {DurationCase},
                       CASE WHEN h < 99 THEN 0.01 + ({DurationCase.Replace("ELSE NULL", "ELSE 0")}) * 0.0011 END,
                       {rich1}
                FROM (SELECT i AS j, (CAST(i AS BIGINT) * 2654435761 + {campaign} * 97) % 100 AS h FROM ({SeriesSelect(from, from + n)}) s) x
                ORDER BY j
                """);
        }
    }

    /// <summary>Waits until the app's refresher has folded every noted change into the rollup; returns how long that took.</summary>
    public async Task<TimeSpan> WaitForRollupAsync(TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var conn = await OpenAsync();
        while ((await IdsAsync(conn, "SELECT COUNT(*) FROM call_stats_changes"))[0] > 0)
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"the rollup did not catch up within {timeout}");
            await Task.Delay(500);
        }
        return clock.Elapsed;
    }

    /// <summary>
    /// PostgreSQL: refreshes the planner's statistics, as autovacuum would a minute after a bulk load (right after one
    /// the planner still believes the tables small). SQLite keeps none unless asked, and the app never asks.
    /// </summary>
    public async Task AnalyzeAsync()
    {
        if (!_pg) return;
        await using var conn = await OpenAsync();
        await ExecAsync(conn, "ANALYZE");
    }

    /// <summary>One statement on the app's database (under the write gate on SQLite), for a bench that shapes the seeded rows.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var conn = await OpenAsync();
        await ExecAsync(conn, sql);
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var conn = await OpenAsync();
        return (await IdsAsync(conn, sql))[0];
    }

    /// <summary>A CTE named <paramref name="name"/> with column i over [from, to).</summary>
    private string Series(string name, long from, long to) => _pg
        ? $"{name}(i) AS (SELECT generate_series({from}::bigint, {to - 1}::bigint))"
        : $"{name}(i) AS (SELECT {from} UNION ALL SELECT i + 1 FROM {name} WHERE i < {to - 1})";

    private string SeriesSelect(long from, long to) => _pg
        ? $"SELECT generate_series({from}::bigint, {to - 1}::bigint) AS i"
        : $"WITH RECURSIVE {Series("g", from, to)} SELECT i FROM g";

    /// <summary>A timestamp <paramref name="seconds"/> (an SQL expression) after <paramref name="at"/>, as each provider stores it.</summary>
    private string Ts(DateTime at, string seconds) => _pg
        ? $"(TIMESTAMPTZ '{at:yyyy-MM-dd HH:mm:ss}+00' + ({seconds}) * INTERVAL '1 second')"
        : $"strftime('%Y-%m-%d %H:%M:%f', '{at:yyyy-MM-dd HH:mm:ss}', '+' || ({seconds}) || ' seconds')";

    private async Task ExecAsync(DbConnection conn, string sql)
    {
        using (await _gate.EnterAsync(CancellationToken.None))
        {
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            cmd.CommandTimeout = 0;
            await cmd.ExecuteNonQueryAsync();
        }
    }

    private static async Task<List<long>> IdsAsync(DbConnection conn, string sql)
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.CommandTimeout = 0;
        var ids = new List<long>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) ids.Add(Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture));
        return ids;
    }
}
