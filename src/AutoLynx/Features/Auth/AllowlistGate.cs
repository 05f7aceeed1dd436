using System.Security.Claims;
using AutoLynx.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Auth;

/// <summary>
/// Runs after authentication on every request: whoever the scheme says this is (cookie, API token, Supabase or
/// OIDC), they get in only while their email is on the allowlist and not revoked. The principal is rebuilt with
/// our user id, the email and the allowlist's role, so revoking or changing a role takes effect at the next request.
/// A principal that fails the check becomes anonymous (401 on /api, sign-in page on pages), and a cookie is dropped.
/// </summary>
public sealed class AllowlistGate(RequestDelegate next)
{
    public const string NotGrantedItem = "autolynx:not-granted";

    public async Task InvokeAsync(HttpContext http, IDbContextFactory<AppDbContext> dbs, TimeProvider time, Actor actor, ILogger<AllowlistGate> logger)
    {
        var user = http.User;
        if (user.Identity?.IsAuthenticated == true)
        {
            var viewer = await ResolveAsync(user, dbs, time, http.RequestAborted);
            if (viewer is null)
            {
                http.Items[NotGrantedItem] = true;
                http.User = new ClaimsPrincipal(new ClaimsIdentity());
                if (user.Identity.AuthenticationType == IdentityConstants.ApplicationScheme)
                    await http.SignOutAsync(IdentityConstants.ApplicationScheme);
                logger.LogWarning("Access refused to a signed-in principal not on the allowlist ({Scheme}) for {Path}",
                    user.Identity.AuthenticationType, http.Request.Path.Value);
            }
            else
            {
                http.User = ToPrincipal(viewer, user.Identity.AuthenticationType, user.FindFirstValue(AuthClaims.TokenId), user.FindFirstValue("exp"));
                actor.Set(viewer);
            }
        }
        await next(http);
    }

    public static ClaimsPrincipal ToPrincipal(Viewer viewer, string? authenticationType, string? tokenId = null, string? expires = null)
    {
        var claims = new List<Claim>
        {
            new(AuthClaims.UserId, viewer.UserId), new(AuthClaims.Email, viewer.Email), new(ClaimTypes.Name, viewer.Email),
            new(AuthClaims.Role, viewer.Role.ToString()), new(AuthClaims.Gated, "1"),
        };
        if (tokenId is not null) claims.Add(new Claim(AuthClaims.TokenId, tokenId));
        if (expires is not null) claims.Add(new Claim(AuthClaims.Expires, expires));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, AuthClaims.Role));
    }

    /// <summary>
    /// For long-lived connections (event streams): is the gated principal still allowed, with the same role? Checks the
    /// allowlist, and for bearer credentials that the token is not revoked or expired.
    /// </summary>
    public static async Task<bool> StillValidAsync(ClaimsPrincipal gated, IDbContextFactory<AppDbContext> dbs, TimeProvider time, CancellationToken ct)
    {
        var viewer = Viewer.From(gated);
        if (viewer is null) return false;
        var now = time.GetUtcNow();
        if (long.TryParse(gated.FindFirstValue(AuthClaims.Expires), out var exp) && DateTimeOffset.FromUnixTimeSeconds(exp) <= now) return false;
        if (long.TryParse(gated.FindFirstValue(AuthClaims.TokenId), out var tokenId))
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            var utc = now.UtcDateTime;
            if (!await db.ApiTokens.AnyAsync(t => t.Id == tokenId && t.RevokedAt == null && (t.ExpiresAt == null || t.ExpiresAt > utc), ct)) return false;
        }
        var again = await ResolveAsync(gated, dbs, time, ct);
        return again is not null && again.Role == viewer.Role && again.UserId == viewer.UserId;
    }

    /// <summary>
    /// The allowlisted viewer for a principal, or null. Principals from outside (Supabase, OIDC) are matched by
    /// email; their first visit creates the local user that owns their campaigns.
    /// </summary>
    public static async Task<Viewer?> ResolveAsync(ClaimsPrincipal user, IDbContextFactory<AppDbContext> dbs, TimeProvider time, CancellationToken ct)
    {
        var email = user.FindFirstValue(AuthClaims.Email) ?? user.FindFirstValue("email");
        if (string.IsNullOrWhiteSpace(email)) return null;
        var normalized = AllowlistService.Normalize(email);
        var upper = normalized.ToUpperInvariant();
        var type = user.Identity?.AuthenticationType;
        var local = type == IdentityConstants.ApplicationScheme || type == ApiTokenHandler.SchemeName;
        var userId = local ? user.FindFirstValue(AuthClaims.UserId) : null;
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbs.CreateDbContextAsync(ct);
        // The allowlist entry and the local user in one round trip: this runs on every signed-in request.
        var users = userId != null ? db.Users.Where(u => u.Id == userId) : db.Users.Where(u => u.NormalizedEmail == upper);
        var entry = await (
                from a in db.Allowlist.AsNoTracking().Where(a => a.Email == normalized && a.RevokedAt == null)
                from u in users.AsNoTracking().DefaultIfEmpty()
                select new { a.Role, UserId = u == null ? null : u.Id, NormalizedEmail = u == null ? null : u.NormalizedEmail, LastSeenAt = u == null ? null : u.LastSeenAt })
            .FirstOrDefaultAsync(ct);
        if (entry is null) return null;
        var row = entry.UserId is null ? null : new { Id = entry.UserId, entry.NormalizedEmail, entry.LastSeenAt };
        if (row is null || row.NormalizedEmail != upper)
        {
            // A cookie or token whose user is gone or now has another email: not this person any more.
            if (local) return null;
            var created = new AppUser
            {
                UserName = normalized, NormalizedUserName = upper, Email = normalized, NormalizedEmail = upper, EmailConfirmed = true,
                CreatedAt = now, LastSeenAt = now, SecurityStamp = Guid.NewGuid().ToString("N"), LockoutEnabled = true,
            };
            db.Users.Add(created);
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException) { return null; }
            return new Viewer(created.Id, normalized, entry.Role);
        }
        if (row.LastSeenAt is null || row.LastSeenAt < now.AddMinutes(-1))
        {
            var cutoff = now.AddMinutes(-1);
            await db.Users.Where(u => u.Id == row.Id && (u.LastSeenAt == null || u.LastSeenAt < cutoff))
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.LastSeenAt, now), ct);
        }
        return new Viewer(row.Id, normalized, entry.Role);
    }
}
