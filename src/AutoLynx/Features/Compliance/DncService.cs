using System.Globalization;
using System.Text.Json;
using AutoLynx.Data;
using AutoLynx.Features.Audit;
using AutoLynx.Features.Auth;
using AutoLynx.Features.Contacts;
using AutoLynx.Features.Webhooks;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Compliance;

public sealed record DncView(long Id, string Number, string? Reason, string Source, string? AddedBy, DateTime AddedAt);

public sealed record DncImportReport(int TotalRows, int Added, int AlreadyListed, IReadOnlyList<DncImportProblem> Skipped);

public sealed record DncImportProblem(int Row, string Reason);

/// <summary>
/// The organisation's do-not-call list: numbers stored as E.164 whatever their spelling, each change in the audit log.
/// Read at import (those rows are skipped), in the transaction that claims a contact, and just before each POST /call.
/// </summary>
public sealed class DncService(AppDbContext db, PhoneNormalizer phones, TimeProvider time, Actor actor, OutboxWriter outbox)
{
    public const int MaxImportRows = 1_000_000;

    public async Task<DncPage> ListAsync(string? search, int page, int pageSize, CancellationToken ct)
    {
        (page, pageSize) = (Math.Max(1, page), Math.Clamp(pageSize <= 0 ? 50 : pageSize, 1, 500));
        var q = db.DncEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim();
            var digits = new string(term.Where(char.IsDigit).ToArray());
            var lower = term.ToLowerInvariant();
            q = q.Where(e => (digits.Length > 0 && e.Phone.Contains(digits)) || (e.Reason != null && e.Reason.ToLower().Contains(lower)) || e.Source.ToLower().Contains(lower));
        }
        var total = await q.CountAsync(ct);
        var rows = await q.OrderByDescending(e => e.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new DncPage(rows.Select(ToView).ToList(), page, pageSize, total);
    }

    public sealed record DncPage(IReadOnlyList<DncView> Items, int Page, int PageSize, int Total);

    /// <summary>Adds a number (any spelling). Returns the entry (the existing one when already listed), or why the number is not one.</summary>
    public async Task<(DncView? Entry, bool Created, string? Error)> AddAsync(string? number, string? reason, string source, CancellationToken ct)
    {
        var parsed = phones.Normalize(number);
        if (!parsed.Ok) return (null, false, parsed.Error);
        var (entry, created) = await AddNormalizedAsync(parsed.E164!, reason, source, ct);
        if (created) await db.SaveChangesAsync(ct);
        return (ToView(entry), created, null);
    }

    /// <summary>Inside the caller's work (the webhook applier's transaction for an opt-out): adds the entry and its audit row, not saved yet.</summary>
    public async Task<(DncEntry Entry, bool Created)> AddNormalizedAsync(string e164, string? reason, string source, CancellationToken ct)
    {
        var existing = db.DncEntries.Local.FirstOrDefault(e => e.Phone == e164) ?? await db.DncEntries.FirstOrDefaultAsync(e => e.Phone == e164, ct);
        if (existing is not null) return (existing, false);
        var entry = new DncEntry { Phone = e164, Reason = Trim(reason, 500), Source = Trim(source, 100) ?? "manual", AddedBy = actor.Name, AddedAt = time.GetUtcNow().UtcDateTime };
        db.DncEntries.Add(entry);
        Audit("dnc.add", e164, new { number = e164, entry.Reason, entry.Source });
        await outbox.DncAddedAsync(entry, ct); // saved with the entry, by the caller
        return (entry, true);
    }

    public async Task<bool> RemoveAsync(long id, CancellationToken ct)
    {
        var entry = await db.DncEntries.FirstOrDefaultAsync(e => e.Id == id, ct);
        if (entry is null) return false;
        db.DncEntries.Remove(entry);
        Audit("dnc.remove", entry.Phone, new { number = entry.Phone, entry.Reason, entry.Source });
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// A CSV of numbers: the column named number/phone/… (else the first), an optional reason column. Every row is
    /// accounted for: added, already listed, or skipped with its reason. One transaction: all or nothing.
    /// </summary>
    public async Task<DncImportReport> ImportAsync(Stream csv, CancellationToken ct)
    {
        using var reader = new StreamReader(csv, detectEncodingFromByteOrderMarks: true);
        using var parser = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            DetectDelimiter = true, BadDataFound = null, MissingFieldFound = null, TrimOptions = TrimOptions.Trim, IgnoreBlankLines = true,
        });
        if (!await parser.ReadAsync() || !parser.ReadHeader()) throw new ImportRejectedException("The file is empty.", 400);
        var headers = parser.HeaderRecord ?? [];
        var numberColumn = Array.FindIndex(headers, IsNumberHeader);
        var reasonColumn = Array.FindIndex(headers, h => h.Trim().Equals("reason", StringComparison.OrdinalIgnoreCase) || h.Trim().Equals("note", StringComparison.OrdinalIgnoreCase));
        var headerless = numberColumn < 0 && headers.Length > 0 && phones.Normalize(headers[0]).Ok;
        if (numberColumn < 0) numberColumn = 0;

        var skipped = new List<DncImportProblem>();
        int total = 0, added = 0, already = 0;
        var seen = new HashSet<string>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        async Task TakeAsync(int row, string? raw, string? reason)
        {
            total++;
            var parsed = phones.Normalize(raw);
            if (!parsed.Ok) { skipped.Add(new DncImportProblem(row, parsed.Error!)); return; }
            if (!seen.Add(parsed.E164!)) { already++; return; }
            var (_, created) = await AddNormalizedAsync(parsed.E164!, reason, "import", ct);
            if (created) added++; else already++;
            if (added % 1000 == 0) await db.SaveChangesAsync(ct);
        }
        if (headerless) await TakeAsync(1, headers[0], reasonColumn >= 0 ? null : headers.ElementAtOrDefault(1));
        while (await parser.ReadAsync())
        {
            if (total >= MaxImportRows) throw new ImportRejectedException($"The file has more than {MaxImportRows:N0} rows.", 413);
            await TakeAsync(parser.Parser.Row, parser.GetField(numberColumn), reasonColumn >= 0 ? parser.GetField(reasonColumn) : null);
        }
        Audit("dnc.import", null, new { total, added, alreadyListed = already, skipped = skipped.Count });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new DncImportReport(total, added, already, skipped.Take(10_000).ToList());
    }

    /// <summary>Which of these E.164 numbers are on the list.</summary>
    public Task<HashSet<string>> ListedAsync(IReadOnlyCollection<string> numbers, CancellationToken ct) => ListedAsync(db, numbers, ct);

    /// <summary>Up to this many entries, an import reads the whole list once instead of asking per batch.</summary>
    public const int WholeListUpTo = 200_000;

    /// <summary>
    /// A check for an import: the whole list held in memory when it is small (the usual case, and an empty list costs
    /// nothing), otherwise one query per batch.
    /// </summary>
    public async Task<Func<IReadOnlyCollection<string>, CancellationToken, Task<HashSet<string>>>> CheckerAsync(CancellationToken ct)
    {
        if (await db.DncEntries.CountAsync(ct) > WholeListUpTo) return ListedAsync;
        var all = (await db.DncEntries.AsNoTracking().Select(e => e.Phone).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        return (numbers, _) => Task.FromResult(all.Count == 0 ? [] : numbers.Where(all.Contains).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>Which of these E.164 numbers are on the list, read through <paramref name="db"/> (the caller's transaction).</summary>
    public static async Task<HashSet<string>> ListedAsync(AppDbContext db, IReadOnlyCollection<string> numbers, CancellationToken ct)
        => numbers.Count == 0 ? [] : (await db.DncEntries.AsNoTracking().Where(e => numbers.Contains(e.Phone)).Select(e => e.Phone).ToListAsync(ct)).ToHashSet();

    private static readonly HashSet<string> NumberHeaders = ["number", "phone", "phonenumber", "phoneno", "mobile", "mobilenumber", "cell", "telephone", "tel", "e164", "dnc"];

    private static bool IsNumberHeader(string header)
        => NumberHeaders.Contains(new string(header.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant());

    private static DncView ToView(DncEntry e) => new(e.Id, e.Phone, e.Reason, e.Source, e.AddedBy, e.AddedAt);

    private void Audit(string action, string? number, object details) => db.AuditLog.Add(new AuditLogEntry
    {
        At = time.GetUtcNow().UtcDateTime, Actor = actor.Name, Action = action, EntityType = "dnc", EntityId = number,
        Details = JsonSerializer.Serialize(details),
    });

    private static string? Trim(string? s, int max) => string.IsNullOrWhiteSpace(s) ? null : s.Trim().Length <= max ? s.Trim() : s.Trim()[..max];
}
