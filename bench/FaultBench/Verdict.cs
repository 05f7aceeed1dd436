using System.Text;
using System.Text.Json;
using Npgsql;

namespace AutoLynx.FaultBench;

/// <summary>
/// The run judged by what the simulator saw (/_sim/calls, /_sim/stats) against the app's database once everything has
/// settled. Every count must be 0.
/// </summary>
public sealed class Verdict
{
    private static readonly HashSet<string> Terminal = ["Ended", "Failed", "Canceled", "Timeout"];

    public int DoubleDialledContacts { get; private set; }
    public int ExtraDials { get; private set; }
    public int CapBreaches { get; private set; }
    public int LostWebhooks { get; private set; }
    public int UnknownToApp { get; private set; }
    public int UnfinishedCampaigns { get; private set; }
    public int ContactsNeverCalled { get; private set; }
    public int SimCallsNotEnded { get; private set; }
    public List<string> Details { get; } = [];
    public List<string> Figures { get; } = [];

    public bool Passed => DoubleDialledContacts + CapBreaches + LostWebhooks + UnknownToApp + UnfinishedCampaigns + ContactsNeverCalled + SimCallsNotEnded == 0;

    private sealed record SimCall(string Id, string Status, string? EndedReason, string Number, string PhoneNumberId, DateTimeOffset CreatedAt,
        DateTimeOffset? EndedAt, long? CampaignId);

    private sealed record AppCall(long Id, long CampaignId, long ContactId, string? ProviderCallId, string Status, string? EndedReason, string? Error);

    public static async Task<Verdict> JudgeAsync(HttpClient sim, string connectionString, BenchSettings settings, Dictionary<string, int> lineCaps)
    {
        var v = new Verdict();
        var simCalls = ParseSimCalls(await sim.GetStringAsync("_sim/calls"));
        var stats = JsonDocument.Parse(await sim.GetStringAsync("_sim/stats")).RootElement;

        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync();
        var appCalls = new List<AppCall>();
        await using (var cmd = new NpgsqlCommand("SELECT id, campaign_id, contact_id, provider_call_id, status, ended_reason, error_message FROM calls", db))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync())
                appCalls.Add(new AppCall(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5),
                    r.IsDBNull(6) ? null : r.GetString(6)));
        var contacts = new List<(long Id, long Campaign, string Phone, string State, int Attempts)>();
        await using (var cmd = new NpgsqlCommand("SELECT id, campaign_id, phone, state, attempts FROM contacts", db))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) contacts.Add((r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetInt32(4)));
        var campaigns = new List<(long Id, string Status, int Cap, string? Reason)>();
        await using (var cmd = new NpgsqlCommand("SELECT id, status, cap, status_reason FROM campaigns", db))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) campaigns.Add((r.GetInt64(0), r.GetString(1), r.GetInt32(2), r.IsDBNull(3) ? null : r.GetString(3)));

        // Double dials: the campaigns allow one attempt per contact (no retry policy), so any second call to a number is one.
        foreach (var g in simCalls.GroupBy(c => c.Number).Where(g => g.Count() > 1))
        {
            v.DoubleDialledContacts++;
            v.ExtraDials += g.Count() - 1;
            v.Detail($"double dial: {Mask(g.Key)} rang {g.Count()} times: {string.Join(", ", g.Select(c => $"{c.Id[..8]} at {c.CreatedAt:HH:mm:ss.fff}"))}");
        }

        // Caps: the account (the simulator's high-water mark, and any call it had to refuse), each line, each campaign.
        var maxAccount = stats.GetProperty("maxConcurrentAccount").GetInt32();
        var blocked = stats.GetProperty("concurrencyBlocked").GetInt32() + stats.GetProperty("concurrencyRejected").GetInt32();
        v.Figures.Add($"max concurrent at the simulator: account {maxAccount} (cap {settings.AccountCap}), refused over the limit {blocked}");
        if (maxAccount > settings.AccountCap) v.Breach($"account: {maxAccount} live calls > cap {settings.AccountCap}");
        if (blocked > 0) v.Breach($"account: the simulator refused {blocked} calls over its limit");
        foreach (var line in stats.GetProperty("maxConcurrentByPhoneNumber").EnumerateObject())
        {
            var cap = lineCaps.GetValueOrDefault(line.Name, int.MaxValue);
            v.Figures.Add($"max concurrent on line {line.Name[..8]}: {line.Value.GetInt32()} (cap {cap})");
            if (line.Value.GetInt32() > cap) v.Breach($"line {line.Name[..8]}: {line.Value.GetInt32()} live calls > cap {cap}");
        }
        var worstCampaign = 0;
        foreach (var (id, _, cap, _) in campaigns)
        {
            var peak = Peak(simCalls.Where(c => c.CampaignId == id));
            worstCampaign = Math.Max(worstCampaign, peak);
            if (peak > cap) v.Breach($"campaign {id}: {peak} live calls > cap {cap}");
        }
        v.Figures.Add($"max concurrent in one campaign (from /_sim/calls' created/ended times): {worstCampaign} (cap {settings.CampaignCap})");

        // Lost webhooks: every call the simulator ended has a terminal row in the app with the same ended reason.
        var byProviderId = appCalls.Where(c => c.ProviderCallId is not null).ToDictionary(c => c.ProviderCallId!);
        foreach (var s in simCalls)
        {
            if (s.Status != "ended")
            {
                v.SimCallsNotEnded++;
                v.Detail($"simulator call {s.Id[..8]} still {s.Status} after the run settled");
                continue;
            }
            if (!byProviderId.TryGetValue(s.Id, out var a))
            {
                v.UnknownToApp++;
                v.Detail($"simulator call {s.Id[..8]} ({Mask(s.Number)}, campaign {s.CampaignId}) has no call row in the app");
            }
            else if (!Terminal.Contains(a.Status) || a.EndedReason != s.EndedReason)
            {
                v.LostWebhooks++;
                v.Detail($"call {a.Id} ({s.Id[..8]}): app {a.Status}/{a.EndedReason ?? "-"}, simulator ended/{s.EndedReason}");
            }
        }

        // Unfinished campaigns and contacts nobody called.
        foreach (var c in campaigns.Where(c => c.Status != "Completed"))
        {
            v.UnfinishedCampaigns++;
            v.Detail($"campaign {c.Id}: {c.Status}{(c.Reason is null ? "" : $" ({c.Reason})")}");
        }
        var dialled = simCalls.Select(c => c.Number).ToHashSet();
        foreach (var c in contacts.Where(c => !dialled.Contains(c.Phone)))
        {
            v.ContactsNeverCalled++;
            var calls = appCalls.Where(a => a.ContactId == c.Id).Select(a => $"{a.Status}/{a.EndedReason ?? "-"}");
            v.Detail($"contact {c.Id} (campaign {c.Campaign}, {Mask(c.Phone)}) never rang: {c.State}, attempts {c.Attempts}, calls [{string.Join(", ", calls)}]");
        }

        var states = contacts.GroupBy(c => c.State).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
        v.Figures.Add($"contacts: {contacts.Count} ({string.Join(", ", states)}); simulator calls {simCalls.Count}, app call rows {appCalls.Count} " +
                      $"({appCalls.Count(c => c.ProviderCallId is null)} never placed: {string.Join(", ", appCalls.Where(c => c.ProviderCallId is null).GroupBy(c => $"{c.Status}/{c.EndedReason ?? "-"}").Select(g => $"{g.Key} {g.Count()}"))})");
        // Rows the app wrote and then did not send (or proved Vapi never created): why, by the start of their message.
        foreach (var g in appCalls.Where(c => c.ProviderCallId is null).GroupBy(c => Why(c.Error)).OrderByDescending(g => g.Count()))
            v.Figures.Add($"  never placed, {g.Count()}: {g.Key}");
        var hooks = stats.GetProperty("webhooks");
        var faults = stats.GetProperty("faults");
        v.Figures.Add($"webhooks at the simulator: sent {hooks.GetProperty("sent").GetInt64()}, failed {hooks.GetProperty("failed").GetInt64()}, " +
                      $"dropped {hooks.GetProperty("dropped").GetInt64()}, duplicated {hooks.GetProperty("duplicated").GetInt64()}, reordered {hooks.GetProperty("reordered").GetInt64()}, " +
                      $"burst-held {hooks.GetProperty("burstHeld").GetInt64()}");
        v.Figures.Add($"API faults injected: 429 {faults.GetProperty("rateLimited").GetInt64()}, 500 after create {faults.GetProperty("error500AfterCreate").GetInt64()}, " +
                      $"timeout after create {faults.GetProperty("timeoutAfterCreate").GetInt64()}, late creates {faults.GetProperty("lateCreates").GetInt64()}");
        return v;
    }

    /// <summary>Most calls live at once among these, by the simulator's created/ended times (an end before a start at the same instant).</summary>
    private static int Peak(IEnumerable<SimCall> calls)
    {
        var events = new List<(DateTimeOffset At, int Delta)>();
        foreach (var c in calls)
        {
            events.Add((c.CreatedAt, 1));
            events.Add((c.EndedAt ?? DateTimeOffset.MaxValue, -1));
        }
        int live = 0, peak = 0;
        foreach (var (_, d) in events.OrderBy(e => e.At).ThenBy(e => e.Delta)) peak = Math.Max(peak, live += d);
        return peak;
    }

    private static List<SimCall> ParseSimCalls(string json)
    {
        var list = new List<SimCall>();
        foreach (var c in JsonDocument.Parse(json).RootElement.EnumerateArray())
        {
            long? campaign = null;
            if (c.GetProperty("request").TryGetProperty("assistantOverrides", out var o) && o.TryGetProperty("metadata", out var m)
                && m.TryGetProperty("campaignId", out var id))
                campaign = id.ValueKind == JsonValueKind.Number ? id.GetInt64() : long.Parse(id.GetString()!);
            list.Add(new SimCall(c.GetProperty("id").GetString()!, c.GetProperty("status").GetString()!,
                c.GetProperty("endedReason").ValueKind == JsonValueKind.String ? c.GetProperty("endedReason").GetString() : null,
                c.GetProperty("customerNumber").GetString()!, c.GetProperty("phoneNumberId").GetString()!,
                c.GetProperty("createdAt").GetDateTimeOffset(),
                c.GetProperty("endedAt").ValueKind == JsonValueKind.String ? c.GetProperty("endedAt").GetDateTimeOffset() : null, campaign));
        }
        return list;
    }

    private void Breach(string what)
    {
        CapBreaches++;
        Detail("cap breach: " + what);
    }

    private void Detail(string line)
    {
        if (Details.Count < 40) Details.Add(line);
        else if (Details.Count == 40) Details.Add("… (more left out)");
    }

    private static string Why(string? error)
    {
        if (error is null) return "(no message)";
        var cut = error.IndexOfAny(['(', ':']);
        return cut > 10 ? error[..cut].Trim() : error.Length > 70 ? error[..70] : error;
    }

    /// <summary>Numbers in the output are masked like the app's logs: the last four digits only.</summary>
    private static string Mask(string number) => number.Length > 4 ? "…" + number[^4..] : number;

    public string Summary()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"  double dials:           {DoubleDialledContacts} contacts ({ExtraDials} extra calls)");
        sb.AppendLine($"  cap breaches:           {CapBreaches}");
        sb.AppendLine($"  lost webhooks:          {LostWebhooks} (+ {UnknownToApp} simulator calls with no call row, {SimCallsNotEnded} never ended)");
        sb.AppendLine($"  unfinished campaigns:   {UnfinishedCampaigns}");
        sb.AppendLine($"  contacts never called:  {ContactsNeverCalled}");
        return sb.ToString();
    }
}
