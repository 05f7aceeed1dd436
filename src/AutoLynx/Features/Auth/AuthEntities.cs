using Microsoft.AspNetCore.Identity;

namespace AutoLynx.Features.Auth;

public enum AppRole { Admin, Operator }

/// <summary>A person who can sign in (ASP.NET Core Identity user).</summary>
public sealed class AppUser : IdentityUser
{
    public string? DisplayName { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastSeenAt { get; set; }
}

/// <summary>Who may sign in, with which role. Revoking keeps the row (audit) and sets <see cref="RevokedAt"/>.</summary>
public sealed class AllowlistEntry
{
    public long Id { get; set; }
    /// <summary>Normalised (trimmed, lower-case).</summary>
    public required string Email { get; set; }
    public AppRole Role { get; set; }
    public string? AddedBy { get; set; }
    public DateTime AddedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }
}

/// <summary>A personal API token. Only its SHA-256 hash is stored; the value is shown once.</summary>
public sealed class ApiToken
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public required string TokenHash { get; set; }
    /// <summary>First characters of the token, to recognise it in a list.</summary>
    public required string Prefix { get; set; }
    public required string OwnerUserId { get; set; }
    public string Scopes { get; set; } = "api";
    public DateTime CreatedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}
