using System.Net.Mail;
using System.Text.Json;
using AutoLynx.Data;
using AutoLynx.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Auth;

public sealed record AllowlistView(long Id, string Email, string Role, string? AddedBy, DateTime AddedAt, DateTime? RevokedAt,
    string? RevokedBy, bool Registered, DateTime? LastSeenAt);

/// <summary>Raised in-process when someone's access changes, so open pages re-check at once instead of at the next interval.</summary>
public sealed class AccessChanges
{
    public event Action<string>? Changed;
    public void Publish(string email) => Changed?.Invoke(email);
}

/// <summary>Who may sign in, with which role. Every change is audit-logged; revoking keeps the row.</summary>
public sealed class AllowlistService(AppDbContext db, TimeProvider time, AccessChanges changes)
{
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    public static bool IsValidEmail(string email)
        => email.Length <= 256 && MailAddress.TryCreate(email, out var a) && a.Address == email && email.Contains('.', StringComparison.Ordinal);

    /// <summary>The active entry for an email, or null (not allowlisted or revoked).</summary>
    public Task<AllowlistEntry?> ActiveAsync(string email, CancellationToken ct)
    {
        var e = Normalize(email);
        return db.Allowlist.AsNoTracking().FirstOrDefaultAsync(a => a.Email == e && a.RevokedAt == null, ct);
    }

    public async Task<List<AllowlistView>> ListAsync(bool includeRevoked, CancellationToken ct)
    {
        var entries = await db.Allowlist.AsNoTracking().Where(a => includeRevoked || a.RevokedAt == null).ToListAsync(ct);
        var upper = entries.Select(e => e.Email.ToUpperInvariant()).ToList();
        var seen = await db.Users.AsNoTracking().Where(u => upper.Contains(u.NormalizedEmail!))
            .Select(u => new { u.NormalizedEmail, u.LastSeenAt }).ToDictionaryAsync(u => u.NormalizedEmail!, u => u.LastSeenAt, ct);
        return entries.OrderBy(a => a.RevokedAt is not null).ThenBy(a => a.Email, StringComparer.Ordinal)
            .Select(a => View(a, seen.TryGetValue(a.Email.ToUpperInvariant(), out var last), last)).ToList();
    }

    /// <summary>Adds an email with a role; a revoked email is granted again.</summary>
    public async Task<AuthOutcome<AllowlistView>> AddAsync(string? email, string? role, string actor, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(email) || !IsValidEmail(Normalize(email)))
            return AuthOutcome<AllowlistView>.Invalid("email", "Enter a valid email address, e.g. jane@example.com.");
        if (!TryRole(role, out var r)) return AuthOutcome<AllowlistView>.Invalid("role", "Role must be Admin or Operator.");
        var e = Normalize(email);
        var entry = await db.Allowlist.FirstOrDefaultAsync(a => a.Email == e, ct);
        if (entry is { RevokedAt: null }) return AuthOutcome<AllowlistView>.Conflict($"{e} is already allowlisted as {entry.Role}.");
        if (entry is null)
        {
            entry = new AllowlistEntry { Email = e, Role = r, AddedBy = actor, AddedAt = Now };
            db.Allowlist.Add(entry);
        }
        else
        {
            (entry.Role, entry.AddedBy, entry.AddedAt, entry.RevokedAt, entry.RevokedBy) = (r, actor, Now, null, null);
        }
        Audit(actor, "allowlist.add", e, new { role = r.ToString() });
        await db.SaveChangesAsync(ct);
        changes.Publish(e);
        return AuthOutcome<AllowlistView>.Success(await ViewAsync(entry, ct));
    }

    public async Task<AuthOutcome<AllowlistView>> ChangeRoleAsync(long id, string? role, string actor, CancellationToken ct)
    {
        if (!TryRole(role, out var r)) return AuthOutcome<AllowlistView>.Invalid("role", "Role must be Admin or Operator.");
        var entry = await db.Allowlist.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (entry is null) return AuthOutcome<AllowlistView>.NotFound($"There is no allowlist entry with id {id}.");
        if (entry.RevokedAt is not null) return AuthOutcome<AllowlistView>.Conflict($"{entry.Email} was revoked; add it again to grant access.");
        if (entry.Role == r) return AuthOutcome<AllowlistView>.Success(await ViewAsync(entry, ct));
        if (entry.Role == AppRole.Admin && await IsLastAdminAsync(entry.Id, ct))
            return AuthOutcome<AllowlistView>.Conflict($"{entry.Email} is the only admin. Make someone else admin first.");
        var before = entry.Role;
        entry.Role = r;
        Audit(actor, "allowlist.role", entry.Email, new { from = before.ToString(), to = r.ToString() });
        await db.SaveChangesAsync(ct);
        changes.Publish(entry.Email);
        return AuthOutcome<AllowlistView>.Success(await ViewAsync(entry, ct));
    }

    /// <summary>Ends the person's access at their next request: cookies and API tokens both stop working.</summary>
    public async Task<AuthOutcome<AllowlistView>> RevokeAsync(long id, string actor, CancellationToken ct)
    {
        var entry = await db.Allowlist.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (entry is null) return AuthOutcome<AllowlistView>.NotFound($"There is no allowlist entry with id {id}.");
        if (entry.RevokedAt is null)
        {
            if (entry.Role == AppRole.Admin && await IsLastAdminAsync(entry.Id, ct))
                return AuthOutcome<AllowlistView>.Conflict($"{entry.Email} is the only admin. Make someone else admin first.");
            (entry.RevokedAt, entry.RevokedBy) = (Now, actor);
            // Granting access again later must not bring old credentials back: their tokens are revoked for good and
            // their sessions invalidated (a new security stamp), besides the allowlist check on every request.
            var upper = entry.Email.ToUpperInvariant();
            var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedEmail == upper, ct);
            var tokens = 0;
            if (user is not null)
            {
                user.SecurityStamp = Guid.NewGuid().ToString("N");
                var now = Now;
                tokens = await db.ApiTokens.Where(t => t.OwnerUserId == user.Id && t.RevokedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);
            }
            Audit(actor, "allowlist.revoke", entry.Email, new { tokensRevoked = tokens });
            await db.SaveChangesAsync(ct);
            changes.Publish(entry.Email);
        }
        return AuthOutcome<AllowlistView>.Success(await ViewAsync(entry, ct));
    }

    /// <summary>Start-up: makes sure an email is an active admin (configuration, command line, demo).</summary>
    public async Task EnsureAdminAsync(string email, CancellationToken ct)
    {
        var e = Normalize(email);
        var entry = await db.Allowlist.FirstOrDefaultAsync(a => a.Email == e, ct);
        if (entry is { RevokedAt: null, Role: AppRole.Admin }) return;
        if (entry is null) db.Allowlist.Add(new AllowlistEntry { Email = e, Role = AppRole.Admin, AddedBy = "configuration", AddedAt = Now });
        else (entry.Role, entry.RevokedAt, entry.RevokedBy) = (AppRole.Admin, null, null);
        Audit("configuration", "allowlist.bootstrap-admin", e, null);
        await db.SaveChangesAsync(ct);
    }

    private async Task<bool> IsLastAdminAsync(long exceptId, CancellationToken ct)
        => !await db.Allowlist.AnyAsync(a => a.Id != exceptId && a.Role == AppRole.Admin && a.RevokedAt == null, ct);

    private async Task<AllowlistView> ViewAsync(AllowlistEntry a, CancellationToken ct)
    {
        var upper = a.Email.ToUpperInvariant();
        var user = await db.Users.AsNoTracking().Where(u => u.NormalizedEmail == upper).Select(u => new { u.LastSeenAt }).FirstOrDefaultAsync(ct);
        return View(a, user is not null, user?.LastSeenAt);
    }

    private static AllowlistView View(AllowlistEntry a, bool registered, DateTime? lastSeen)
        => new(a.Id, a.Email, a.Role.ToString(), a.AddedBy, a.AddedAt, a.RevokedAt, a.RevokedBy, registered, lastSeen);

    private static bool TryRole(string? role, out AppRole r)
    {
        r = default;
        return role is not null && !role.Any(char.IsDigit) && Enum.TryParse(role.Trim(), true, out r) && Enum.IsDefined(r);
    }

    private void Audit(string actor, string action, string email, object? details)
        => db.AuditLog.Add(new AuditLogEntry
        {
            At = Now, Actor = actor, Action = action, EntityType = "allowlist", EntityId = email,
            Details = details is null ? null : JsonSerializer.Serialize(details),
        });

    private DateTime Now => time.GetUtcNow().UtcDateTime;
}
