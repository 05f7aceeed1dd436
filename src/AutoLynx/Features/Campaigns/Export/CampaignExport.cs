using System.Buffers;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AutoLynx.Data;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Engine;
using AutoLynx.Features.Contacts;
using AutoLynx.Wire;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Campaigns.Export;

/// <summary>
/// A campaign's results as CSV, one row per contact with its last call, streamed from one database query straight to
/// the output: memory stays flat however many contacts there are, and a running campaign can be exported at any time
/// (the query sees one consistent moment). Columns: <see cref="FixedColumns"/>, then the contact's own columns under
/// their (snake_case) names in the order the file had them.
/// </summary>
public sealed class CampaignExport(AppDbContext db)
{
    /// <summary>The first eight are the original tool's, in its order; the rest follow.</summary>
    public static readonly IReadOnlyList<string> FixedColumns =
    [
        "name", "business_name", "phone", "status", "ended_reason", "cost", "recording_url", "transcript_json",
        "attempts", "outcome", "started_at", "ended_at", "duration_s", "summary", "success_evaluation", "structured_data", "call_id",
    ];

    /// <summary>Bytes gathered before each write to the output (rows are formatted synchronously, written asynchronously).</summary>
    private const int ChunkBytes = 64 * 1024;

    private static readonly Dictionary<string, string> StateNames = Enum.GetValues<ContactState>().ToDictionary(s => s.ToString(), s => WireNames.State(s));
    private static readonly Dictionary<string, string> OutcomeNames = Enum.GetValues<CallOutcome>().ToDictionary(o => o.ToString(), o => WireNames.Kind(o));

    /// <summary>How many rows <see cref="WriteAsync"/> will write (for progress; a running campaign can move on meanwhile).</summary>
    public async Task<int> CountAsync(long campaignId, ExportFilter filter, CancellationToken ct)
    {
        var q = db.Contacts.AsNoTracking().Where(c => c.CampaignId == campaignId);
        if (filter.States.Count > 0) q = q.Where(c => filter.States.Contains(c.State));
        if (filter.Outcomes.Count == 0) return await q.CountAsync(ct);
        var calls = db.Calls.AsNoTracking();
        var outcomes = filter.Outcomes.Select(o => (CallOutcome?)o).ToList();
        return await q.CountAsync(c => outcomes.Contains(calls.Where(k => k.ContactId == c.Id).OrderByDescending(k => k.Id).Select(k => k.Outcome).FirstOrDefault()), ct);
    }

    /// <summary>The contacts' own columns, in the order of first appearance (a contact stores only its non-empty values).</summary>
    public async Task<IReadOnlyList<string>> ExtraColumnsAsync(long campaignId, CancellationToken ct)
    {
        var sql = db.Database.IsNpgsql()
            ? """
              SELECT j.key FROM contacts c CROSS JOIN LATERAL json_object_keys(c.extra_json::json) WITH ORDINALITY AS j(key, ord)
              WHERE c.campaign_id = @campaign AND c.extra_json IS NOT NULL GROUP BY j.key ORDER BY MIN(c.row_number), MIN(j.ord)
              """
            : """
              SELECT j.key FROM contacts c, json_each(c.extra_json) j
              WHERE c.campaign_id = @campaign AND c.extra_json IS NOT NULL GROUP BY j.key ORDER BY MIN(c.row_number), MIN(j.id)
              """;
        var keys = new List<string>();
        await using var cmd = await CommandAsync(sql, ct);
        Add(cmd, "campaign", campaignId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) keys.Add(reader.GetString(0));
        return keys;
    }

    /// <summary>Writes the CSV to <paramref name="output"/> and returns the number of rows written.</summary>
    /// <param name="progress">Told the rows written so far, every few hundred rows.</param>
    public async Task<int> WriteAsync(long campaignId, ExportFilter filter, Stream output, IProgress<int>? progress, CancellationToken ct)
    {
        var extras = await ExtraColumnsAsync(campaignId, ct);
        var extraIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < extras.Count; i++) extraIndex[extras[i]] = i;

        using var buffer = new MemoryStream(ChunkBytes * 2);
        await using var text = new StreamWriter(buffer, new UTF8Encoding(false), 16 * 1024, leaveOpen: true);
        await using var csv = SpreadsheetCsv.CreateWriter(text);
        if (filter.Excel)
        {
            buffer.Write(Encoding.UTF8.Preamble);
            // Excel's own hint: split on commas whatever the machine's list separator is.
            text.Write("sep=,\r\n");
        }
        foreach (var h in FixedColumns) csv.WriteField(h);
        foreach (var h in Headers(extras)) csv.WriteField(h);
        csv.NextRecord();

        // PostgreSQL would JIT-compile this plan (its estimated cost is over jit_above_cost): a third of a second of CPU
        // for a plan that runs once, and JIT buys nothing for a streamed join. Off for this session's query only.
        var pg = db.Database.IsNpgsql();
        await db.Database.OpenConnectionAsync(ct); // the same session for the setting and the query
        if (pg) await db.Database.ExecuteSqlRawAsync("SET jit = off", ct);
        try
        {
            return await WriteRowsAsync(campaignId, filter, extraIndex, extras.Count, csv, text, buffer, output, progress, ct);
        }
        finally
        {
            if (pg) await db.Database.ExecuteSqlRawAsync("RESET jit", CancellationToken.None);
        }
    }

    private async Task<int> WriteRowsAsync(long campaignId, ExportFilter filter, Dictionary<string, int> extraIndex, int extraCount,
        CsvHelper.CsvWriter csv, StreamWriter text, MemoryStream buffer, Stream output, IProgress<int>? progress, CancellationToken ct)
    {
        await using var cmd = await CommandAsync(RowsSql(filter), ct);
        Add(cmd, "campaign", campaignId);
        for (var i = 0; i < filter.States.Count; i++) Add(cmd, $"s{i}", filter.States[i].ToString());
        for (var i = 0; i < filter.Outcomes.Count; i++) Add(cmd, $"o{i}", filter.Outcomes[i].ToString());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var values = new string?[extraCount];
        var rows = 0;
        while (await reader.ReadAsync(ct))
        {
            WriteRow(csv, reader, extraIndex, values);
            rows++;
            // Each record goes on to the StreamWriter, which hands its bytes to the buffer whenever its own 16 KB fill:
            // no flush of CsvHelper and the StreamWriter per row, and the buffer still stays near ChunkBytes.
            if (buffer.Length >= ChunkBytes) await DrainAsync(buffer, output, ct);
            if (rows % 500 == 0) progress?.Report(rows);
        }
        csv.Flush();
        text.Flush();
        await DrainAsync(buffer, output, ct);
        progress?.Report(rows);
        return rows;
    }

    /// <summary>The contact's own column names, kept apart from ours: a file column called "status" becomes "status_2".</summary>
    public static IEnumerable<string> Headers(IReadOnlyList<string> extras)
    {
        var used = new HashSet<string>(FixedColumns, StringComparer.Ordinal);
        foreach (var e in extras)
        {
            var name = e;
            for (var n = 2; !used.Add(name); n++) name = $"{e}_{n}";
            yield return name;
        }
    }

    // Column order of RowsSql.
    private const int CName = 0, CBusiness = 1, CPhone = 2, CState = 3, CAttempts = 4, CExtra = 5, CEndedReason = 6, CCost = 7,
        CRecording = 8, CMessages = 9, CTranscript = 10, COutcome = 11, CStarted = 12, CEnded = 13, CDuration = 14, CSummary = 15,
        CSuccess = 16, CStructured = 17, CCallId = 18;

    /// <summary>
    /// One row per contact in file order, joined to its last call (highest id). Rows come in the order of the
    /// (campaign_id, row_number) index, so the database streams them without sorting the contacts, and each contact's last
    /// call is looked up by the calls' contact index (a contact has a handful of calls at most). On PostgreSQL that is a
    /// LATERAL join: a grouped pass over the campaign's calls joined back by hash made it sort 100,000 rows (on disk) first.
    /// </summary>
    private string RowsSql(ExportFilter filter)
    {
        var lastCall = db.Database.IsNpgsql()
            ? "LEFT JOIN LATERAL (SELECT * FROM calls l WHERE l.contact_id = c.id ORDER BY l.id DESC LIMIT 1) k ON true"
            : "LEFT JOIN calls k ON k.id = (SELECT MAX(l.id) FROM calls l WHERE l.contact_id = c.id)";
        var sql = new StringBuilder($"""
            SELECT c.name, c.business_name, c.phone, c.state, c.attempts, c.extra_json,
                   k.ended_reason, k.cost, k.recording_url, k.messages_json, k.transcript, k.outcome, k.started_at, k.ended_at,
                   k.duration_seconds, k.summary, k.success_evaluation, k.structured_data_json, k.provider_call_id
            FROM contacts c
            {lastCall}
            WHERE c.campaign_id = @campaign
            """);
        if (filter.States.Count > 0)
            sql.Append(" AND c.state IN (").AppendJoin(", ", filter.States.Select((_, i) => $"@s{i}")).Append(')');
        if (filter.Outcomes.Count > 0)
            sql.Append(" AND k.outcome IN (").AppendJoin(", ", filter.Outcomes.Select((_, i) => $"@o{i}")).Append(')');
        sql.Append(" ORDER BY c.campaign_id, c.row_number");
        return sql.ToString();
    }

    private static void WriteRow(CsvHelper.CsvWriter csv, DbDataReader r, Dictionary<string, int> extraIndex, string?[] values)
    {
        csv.WriteField(r.GetString(CName));
        csv.WriteField(r.GetString(CBusiness));
        csv.WriteField(r.GetString(CPhone));
        var state = r.GetString(CState);
        csv.WriteField(StateNames.GetValueOrDefault(state, state));
        csv.WriteField(Text(r, CEndedReason));
        csv.WriteField(r.IsDBNull(CCost) ? "" : Money(r.GetValue(CCost)));
        csv.WriteField(Text(r, CRecording));
        csv.WriteField(TranscriptJson(Text(r, CMessages), Text(r, CTranscript)));
        csv.WriteField(r.GetInt32(CAttempts).ToString(CultureInfo.InvariantCulture));
        var outcome = Text(r, COutcome);
        csv.WriteField(outcome is null ? "" : OutcomeNames.GetValueOrDefault(outcome, outcome));
        csv.WriteField(Timestamp(r, CStarted));
        csv.WriteField(Timestamp(r, CEnded));
        csv.WriteField(r.IsDBNull(CDuration) ? "" : r.GetDouble(CDuration).ToString("0.###", CultureInfo.InvariantCulture));
        csv.WriteField(Text(r, CSummary));
        csv.WriteField(Text(r, CSuccess));
        csv.WriteField(Text(r, CStructured));
        csv.WriteField(Text(r, CCallId));
        if (values.Length == 0) { csv.NextRecord(); return; }
        Array.Clear(values);
        if (Text(r, CExtra) is { } extra) ReadExtra(extra, extraIndex, values);
        foreach (var v in values) csv.WriteField(v ?? "");
        csv.NextRecord();
    }

    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    /// <summary>UTC, to the millisecond: 2026-11-25T10:04:05.123Z.</summary>
    private static string Timestamp(DbDataReader r, int i)
    {
        if (r.IsDBNull(i)) return "";
        var t = r.GetDateTime(i);
        if (t.Kind == DateTimeKind.Local) t = t.ToUniversalTime();
        return t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>SQLite keeps costs as REAL, PostgreSQL as numeric; both print as plain dollars.</summary>
    private static string Money(object value) => value switch
    {
        decimal d => d.ToString("0.######", CultureInfo.InvariantCulture),
        double d => ((decimal)d).ToString("0.######", CultureInfo.InvariantCulture),
        _ => Convert.ToDecimal(value, CultureInfo.InvariantCulture).ToString("0.######", CultureInfo.InvariantCulture),
    };

    /// <summary>Vapi's <c>artifact.messages</c> as stored (JSON); for a call that has only the plain transcript, that text as a JSON string.</summary>
    private static string TranscriptJson(string? messages, string? transcript)
        => messages ?? (transcript is null ? "" : JsonSerializer.Serialize(transcript, JsonSerializerOptions.Web));

    /// <summary>The contact's column values into their header slots, straight from the stored JSON object.</summary>
    private static void ReadExtra(string json, Dictionary<string, int> index, string?[] values)
    {
        var max = Encoding.UTF8.GetMaxByteCount(json.Length);
        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var len = Encoding.UTF8.GetBytes(json, rented);
            var reader = new Utf8JsonReader(rented.AsSpan(0, len));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                reader.Read();
                var value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                if (value is not null && index.TryGetValue(key, out var slot)) values[slot] = value;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
            }
        }
        catch (JsonException)
        {
            // A hand-edited row with broken JSON exports without its own columns rather than stopping the file.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static async Task DrainAsync(MemoryStream buffer, Stream output, CancellationToken ct)
    {
        if (buffer.Length == 0) return;
        await output.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct);
        buffer.SetLength(0);
    }

    private async Task<DbCommand> CommandAsync(string sql, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        var cmd = db.Database.GetDbConnection().CreateCommand();
        cmd.CommandText = sql;
        // A million rows take a while to write; the request's own cancellation ends it if the client goes away.
        cmd.CommandTimeout = 0;
        return cmd;
    }

    private static void Add(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = "@" + name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }
}
