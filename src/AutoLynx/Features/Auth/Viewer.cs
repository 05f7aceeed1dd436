using System.Security.Claims;

namespace AutoLynx.Features.Auth;

/// <summary>
/// The signed-in, allowlisted person behind a request or a page, as the <see cref="AllowlistGate"/> left them:
/// our user id, email and role (from the allowlist, checked on every request).
/// </summary>
public sealed record Viewer(string UserId, string Email, AppRole Role)
{
    public bool IsAdmin => Role == AppRole.Admin;

    /// <summary>Campaigns this viewer may see: all for an admin, else only their own.</summary>
    public string? OwnerFilter => IsAdmin ? null : UserId;

    public bool CanSee(string? campaignOwnerId) => IsAdmin || (campaignOwnerId is not null && campaignOwnerId == UserId);

    /// <summary>Null when the principal did not pass the allowlist gate.</summary>
    public static Viewer? From(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true || user.FindFirst(AuthClaims.Gated) is null) return null;
        var id = user.FindFirstValue(AuthClaims.UserId);
        var email = user.FindFirstValue(AuthClaims.Email);
        var role = user.FindFirstValue(AuthClaims.Role);
        if (id is null || email is null || !Enum.TryParse<AppRole>(role, out var r)) return null;
        return new Viewer(id, email, r);
    }

    public static Viewer Require(ClaimsPrincipal user)
        => From(user) ?? throw new InvalidOperationException("No allowlisted user on this request; the endpoint must require authorization.");
}

public static class AuthClaims
{
    public const string UserId = ClaimTypes.NameIdentifier;
    public const string Email = ClaimTypes.Email;
    public const string Role = ClaimTypes.Role;
    /// <summary>Set on principals that came from an API token: the token's id.</summary>
    public const string TokenId = "autolynx:token";
    /// <summary>Set by the gate once the allowlist was checked on this request.</summary>
    public const string Gated = "autolynx:gated";
    /// <summary>When a bearer JWT stops being valid (Unix seconds), for long-lived connections.</summary>
    public const string Expires = "autolynx:expires";
}

/// <summary>Who is acting in this scope (request or page action), for audit entries. "system" for background work.</summary>
public sealed class Actor
{
    public string Name { get; private set; } = "system";
    public string? UserId { get; private set; }

    public Actor Set(Viewer? viewer)
    {
        if (viewer is not null) (Name, UserId) = (viewer.Email, viewer.UserId);
        return this;
    }
}
