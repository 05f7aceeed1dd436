using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using AutoLynx.Data;
using AutoLynx.Features.Audit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Auth;

public sealed record ApiTokenView(long Id, string Name, string Prefix, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? ExpiresAt, DateTime? RevokedAt);

/// <summary>The only time a token's value is seen: in the answer to its creation.</summary>
public sealed record CreatedApiToken(ApiTokenView Token, string Value);

/// <summary>Personal API tokens: <c>alx_</c> + 32 random bytes (base64url). Only the SHA-256 hash is stored.</summary>
public sealed class ApiTokenService(AppDbContext db, TimeProvider time)
{
    public const string Prefix = "alx_";
    public const int MaxNameLength = 100;

    public static string NewValue() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    public async Task<List<ApiTokenView>> ListAsync(string ownerUserId, CancellationToken ct)
        => await db.ApiTokens.AsNoTracking().Where(t => t.OwnerUserId == ownerUserId).OrderByDescending(t => t.Id)
            .Select(t => new ApiTokenView(t.Id, t.Name, t.Prefix, t.CreatedAt, t.LastUsedAt, t.ExpiresAt, t.RevokedAt))
            .ToListAsync(ct);

    public async Task<AuthOutcome<CreatedApiToken>> CreateAsync(Viewer owner, string? name, int? expiresInDays, CancellationToken ct)
    {
        name = name?.Trim();
        if (string.IsNullOrEmpty(name)) return AuthOutcome<CreatedApiToken>.Invalid("name", "Give the token a name, e.g. the script that will use it.");
        if (name.Length > MaxNameLength) return AuthOutcome<CreatedApiToken>.Invalid("name", $"At most {MaxNameLength} characters.");
        if (expiresInDays is < 1 or > 3650) return AuthOutcome<CreatedApiToken>.Invalid("expiresInDays", "Between 1 and 3650 days, or leave it out for no expiry.");
        var value = NewValue();
        var token = await AddAsync(owner.UserId, name, value, expiresInDays is { } d ? Now.AddDays(d) : null, owner.Email, ct);
        return AuthOutcome<CreatedApiToken>.Success(new CreatedApiToken(View(token), value));
    }

    /// <summary>Stores a token with a given value (also used for <c>Auth:BootstrapApiToken</c>).</summary>
    public async Task<ApiToken> AddAsync(string ownerUserId, string name, string value, DateTime? expiresAt, string actor, CancellationToken ct)
    {
        var token = new ApiToken
        {
            Name = name, TokenHash = Hash(value), Prefix = value[..Math.Min(value.Length, 10)], OwnerUserId = ownerUserId,
            CreatedAt = Now, ExpiresAt = expiresAt,
        };
        db.ApiTokens.Add(token);
        db.AuditLog.Add(new AuditLogEntry { At = Now, Actor = actor, Action = "token.create", EntityType = "api_token", Details = $$"""{"name":{{System.Text.Json.JsonSerializer.Serialize(name)}}}""" });
        await db.SaveChangesAsync(ct);
        return token;
    }

    /// <summary>Revokes one of the owner's tokens (admins may revoke anyone's). False when there is no such token.</summary>
    public async Task<bool> RevokeAsync(Viewer viewer, long id, CancellationToken ct)
    {
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == id && (viewer.IsAdmin || t.OwnerUserId == viewer.UserId), ct);
        if (token is null) return false;
        if (token.RevokedAt is null)
        {
            token.RevokedAt = Now;
            db.AuditLog.Add(new AuditLogEntry { At = Now, Actor = viewer.Email, Action = "token.revoke", EntityType = "api_token", EntityId = id.ToString() });
            await db.SaveChangesAsync(ct);
        }
        return true;
    }

    public static ApiTokenView View(ApiToken t) => new(t.Id, t.Name, t.Prefix, t.CreatedAt, t.LastUsedAt, t.ExpiresAt, t.RevokedAt);

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Authenticates <c>Authorization: Bearer alx_…</c> against the stored hashes.</summary>
public sealed class ApiTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IDbContextFactory<AppDbContext> dbs, TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthSetup.TryGetBearer(Request, out var value)) return AuthenticateResult.NoResult();
        if (value.Length > 512) return AuthenticateResult.Fail("Unknown API token.");
        var hash = ApiTokenService.Hash(value);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbs.CreateDbContextAsync(Context.RequestAborted);
        // The token and its owner's email in one round trip: this runs on every API request.
        var found = await db.ApiTokens.AsNoTracking().Where(t => t.TokenHash == hash)
            .Select(t => new
            {
                t.Id, t.OwnerUserId, t.RevokedAt, t.ExpiresAt, t.LastUsedAt,
                Email = db.Users.Where(u => u.Id == t.OwnerUserId).Select(u => u.Email).FirstOrDefault(),
            }).FirstOrDefaultAsync(Context.RequestAborted);
        if (found is null) return AuthenticateResult.Fail("Unknown API token.");
        if (found.RevokedAt is not null) return AuthenticateResult.Fail("This API token was revoked.");
        if (found.ExpiresAt is { } exp && exp <= now) return AuthenticateResult.Fail("This API token has expired.");
        if (found.Email is not { } email) return AuthenticateResult.Fail("The owner of this API token no longer exists.");

        // "Last used" to the minute: no write on every request of a busy script.
        if (found.LastUsedAt is null || found.LastUsedAt < now.AddMinutes(-1))
        {
            var cutoff = now.AddMinutes(-1);
            await db.ApiTokens.Where(t => t.Id == found.Id && (t.LastUsedAt == null || t.LastUsedAt < cutoff))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), Context.RequestAborted);
        }
        var identity = new ClaimsIdentity(
        [
            new Claim(AuthClaims.UserId, found.OwnerUserId), new Claim(AuthClaims.Email, email),
            new Claim(AuthClaims.TokenId, found.Id.ToString()),
        ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        await AuthSetup.ChallengeAsync(Context, () => Response.StatusCode = 401, result.Failure?.Message);
    }
}
