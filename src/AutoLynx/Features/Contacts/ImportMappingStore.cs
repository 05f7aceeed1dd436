using System.Text.Json;
using AutoLynx.Data;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Contacts;

/// <summary>Remembers, per person and header set, the last mapping they gave; the next import of such a file uses it again.</summary>
public sealed class ImportMappingStore(AppDbContext db, TimeProvider time)
{
    public async Task<ContactMapping?> FindAsync(string? userId, IReadOnlyList<string> headers, CancellationToken ct)
    {
        if (userId is null) return null;
        var key = ImportMapping.KeyFor(headers);
        var json = await db.ImportMappings.AsNoTracking().Where(m => m.UserId == userId && m.HeaderKey == key)
            .Select(m => m.MappingJson).FirstOrDefaultAsync(ct);
        if (json is null) return null;
        try
        {
            return ContactMapping.Parse(json);
        }
        catch (ImportRejectedException)
        {
            return null;
        }
    }

    /// <summary>The settings for one person's import: their mapping if they gave one, else their remembered one.</summary>
    public ImportSettings SettingsFor(string? userId, ContactMapping? given, string? sheet)
        => new(given, sheet, given is null ? (headers, ct) => FindAsync(userId, headers, ct) : null);

    /// <summary>After an import the person mapped themselves: their mapping (as it was in effect) is offered for the next file with these headers.</summary>
    public Task RememberIfGivenAsync(string? userId, ImportReport report, CancellationToken ct)
        => report.MappingSource == "given"
            ? RememberAsync(userId, report.Headers, new ContactMapping(report.Mapping.GetValueOrDefault(ContactMapping.NameField),
                report.Mapping.GetValueOrDefault(ContactMapping.BusinessNameField), report.Mapping.GetValueOrDefault(ContactMapping.PhoneField)), ct)
            : Task.CompletedTask;

    /// <summary>Saves (or replaces) the mapping for these headers. Only a mapping the person gave is remembered; detection finds itself again.</summary>
    public async Task RememberAsync(string? userId, IReadOnlyList<string> headers, ContactMapping mapping, CancellationToken ct)
    {
        if (userId is null || mapping.IsEmpty) return;
        var key = ImportMapping.KeyFor(headers);
        var now = time.GetUtcNow().UtcDateTime;
        var row = await db.ImportMappings.FirstOrDefaultAsync(m => m.UserId == userId && m.HeaderKey == key, ct);
        if (row is null)
        {
            row = new ImportMapping { UserId = userId, HeaderKey = key, HeadersJson = "", MappingJson = "" };
            db.ImportMappings.Add(row);
        }
        row.HeadersJson = JsonSerializer.Serialize(headers);
        row.MappingJson = mapping.ToJson();
        row.UpdatedAt = now;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same person saving the same headers twice at once: one of them is kept, which is all this is for.
            db.ChangeTracker.Clear();
        }
    }
}
