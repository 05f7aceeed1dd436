using System.Security.Cryptography;
using System.Text;
using AutoLynx.Data;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace AutoLynx.Features.Auth;

/// <summary>
/// One-time sign-in links. A link carries a random token; only its hash and expiry are stored (as the user's
/// "magic-link" authentication token), only the newest link of a user works, and using it deletes it.
/// </summary>
public sealed class MagicLinks(UserManager<AppUser> users, AppDbContext db, TimeProvider time, IOptions<AuthOptions> options)
{
    private const string Provider = "magic-link";
    private const string Name = "token";

    /// <summary>A new link for the same person at most this often: the form cannot be used to flood someone's inbox.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(60);

    /// <summary>True when a link was issued to this user less than <see cref="MinInterval"/> ago.</summary>
    public async Task<bool> RecentlyIssuedAsync(AppUser user)
    {
        var stored = await users.GetAuthenticationTokenAsync(user, Provider, Name);
        if (stored?.Split('|') is not [_, var e] || !long.TryParse(e, out var expires)) return false;
        var issued = DateTimeOffset.FromUnixTimeSeconds(expires).AddMinutes(-options.Value.MagicLinkMinutes);
        return time.GetUtcNow() - issued < MinInterval;
    }

    public async Task<string> IssueAsync(AppUser user)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var expires = time.GetUtcNow().AddMinutes(options.Value.MagicLinkMinutes).ToUnixTimeSeconds();
        await users.SetAuthenticationTokenAsync(user, Provider, Name, $"{Hash(token)}|{expires}");
        return token;
    }

    /// <summary>
    /// True once per issued token, while it is fresh; the token is consumed either way once it matched. Of several
    /// redemptions at the same moment exactly one wins: the stored link is deleted by one conditional DELETE that
    /// only finds the row while it still holds this link, and only the redemption whose DELETE removed it signs in.
    /// </summary>
    public async Task<bool> RedeemAsync(AppUser user, string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200) return false;
        var stored = await users.GetAuthenticationTokenAsync(user, Provider, Name);
        if (stored is null) return false;
        var parts = stored.Split('|');
        if (parts.Length != 2 || !long.TryParse(parts[1], out var expires)) return false;
        var matches = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(parts[0]), Encoding.ASCII.GetBytes(Hash(token)));
        if (!matches) return false;
        var won = await db.UserTokens
            .Where(t => t.UserId == user.Id && t.LoginProvider == Provider && t.Name == Name && t.Value == stored)
            .ExecuteDeleteAsync(ct);
        return won == 1 && time.GetUtcNow().ToUnixTimeSeconds() <= expires;
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));
}

/// <summary>Delivers a magic sign-in link.</summary>
public interface IMagicLinkSender
{
    Task SendAsync(string email, string link, CancellationToken ct);
}

/// <summary>Demo mode and set-ups without SMTP: the link goes to the console (standard output, not the structured log).</summary>
public sealed class ConsoleMagicLinkSender(ILogger<ConsoleMagicLinkSender> logger) : IMagicLinkSender
{
    public Task SendAsync(string email, string link, CancellationToken ct)
    {
        Console.WriteLine($"""

            ---- Sign-in link for {email} (no SMTP configured, so it is printed here) ----
            {link}
            --------------------------------------------------------------------------

            """);
        logger.LogInformation("Magic sign-in link for {Email} written to the console", LogMask.Email(email));
        return Task.CompletedTask;
    }
}

/// <summary>Mails the link through the configured SMTP server (MailKit).</summary>
public sealed class SmtpMagicLinkSender(IOptions<AuthOptions> options, ILogger<SmtpMagicLinkSender> logger) : IMagicLinkSender
{
    public async Task SendAsync(string email, string link, CancellationToken ct)
    {
        var smtp = options.Value.Smtp;
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        message.To.Add(MailboxAddress.Parse(email));
        message.Subject = "Your AutoLynx sign-in link";
        var minutes = options.Value.MagicLinkMinutes;
        var body = new BodyBuilder
        {
            TextBody = $"Open this link to sign in to AutoLynx:\n\n{link}\n\nIt works once, for {minutes} minutes. If you did not ask for it, ignore this email.",
            HtmlBody = $"<p>Open this link to sign in to AutoLynx:</p><p><a href=\"{System.Net.WebUtility.HtmlEncode(link)}\">Sign in to AutoLynx</a></p>" +
                       $"<p>It works once, for {minutes} minutes. If you did not ask for it, ignore this email.</p>",
        };
        message.Body = body.ToMessageBody();
        using var client = new SmtpClient();
        var security = Enum.TryParse<SecureSocketOptions>(smtp.Security, true, out var s) ? s : SecureSocketOptions.Auto;
        await client.ConnectAsync(smtp.Host!, smtp.Port, security, ct);
        if (!string.IsNullOrEmpty(smtp.Username)) await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
        logger.LogInformation("Magic sign-in link mailed to {Email}", LogMask.Email(email));
    }
}

public static class LogMask
{
    /// <summary>j***@example.com: enough to tell people apart in a log, not enough to harvest addresses.</summary>
    public static string Email(string email)
    {
        var at = email.IndexOf('@');
        return at <= 0 ? "***" : email[0] + "***" + email[at..];
    }
}
