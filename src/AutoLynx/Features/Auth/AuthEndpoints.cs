using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http.HttpResults;
using AutoLynx.Features.ApiDocs;

namespace AutoLynx.Features.Auth;

public sealed record CreateTokenRequest(string? Name, int? ExpiresInDays);
public sealed record AllowlistRequest(string? Email, string? Role);
public sealed record PasswordRequest(string? CurrentPassword, string? NewPassword);
public sealed record MeResponse(string UserId, string Email, string Role, bool ViaToken);

public static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        // Sign-out is a form POST (antiforgery-checked) so that a link on another site cannot sign anyone out.
        app.MapPost("/signout", async (HttpContext http, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http))
                return Results.Problem(statusCode: 400, title: "Sign-out refused", detail: "The sign-out form has expired. Reload the page and sign out again.");
            await http.SignOutAsync(IdentityConstants.ApplicationScheme);
            await http.SignOutAsync(IdentityConstants.ExternalScheme);
            return Results.LocalRedirect(AuthSetup.SignInPath + "?signedOut=1");
        }).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();

        app.MapGet("/signin/external", (string? returnUrl, IOptions<AuthOptions> options) =>
        {
            if (!options.Value.Oidc.Enabled) return Results.NotFound();
            var done = "/signin/external/done?returnUrl=" + Uri.EscapeDataString(SafeReturnUrl(returnUrl));
            return Results.Challenge(new AuthenticationProperties { RedirectUri = done }, [AuthSetup.OidcScheme]);
        }).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/signin/external/done", CompleteExternalAsync).AllowAnonymous().ExcludeFromDescription();

        var api = app.MapGroup("/api").WithTags("Access").SignInRequired();
        api.MapGet("/me", (ClaimsPrincipal user) =>
        {
            var v = Viewer.Require(user);
            return TypedResults.Ok(new MeResponse(v.UserId, v.Email, v.Role.ToString(), user.FindFirst(AuthClaims.TokenId) is not null));
        }).WithSummary("Who the caller is: user id, email, role (Admin or Operator), and whether by API token");

        // Set a first password (users who came by email link or SSO), or change it with the current one.
        api.MapPost("/me/password", async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> (ClaimsPrincipal principal, PasswordRequest? body, UserManager<AppUser> users) =>
        {
            if (SessionOnly(principal) is { } refused) return refused;
            var user = await users.FindByIdAsync(Viewer.Require(principal).UserId);
            if (user is null) return TypedResults.Problem(statusCode: 404, title: "Not found", detail: "Your user no longer exists.");
            if (string.IsNullOrEmpty(body?.NewPassword))
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["newPassword"] = ["Enter the new password."] });
            var result = await users.HasPasswordAsync(user)
                ? await users.ChangePasswordAsync(user, body.CurrentPassword ?? "", body.NewPassword)
                : await users.AddPasswordAsync(user, body.NewPassword);
            if (result.Succeeded) return TypedResults.NoContent();
            return TypedResults.ValidationProblem(result.Errors.GroupBy(e => e.Code == "PasswordMismatch" ? "currentPassword" : "newPassword")
                .ToDictionary(g => g.Key, g => g.Select(e => e.Code == "PasswordMismatch" ? "The current password is wrong." : e.Description).ToArray()),
                title: "The password was not changed");
        }).ProducesValidationProblem().Problems(403, 404)
            .WithSummary("Sets a first password, or changes it with the current one (from a signed-in session only)");

        var tokens = api.MapGroup("/tokens");
        tokens.MapGet("/", async (ClaimsPrincipal user, ApiTokenService s, CancellationToken ct) => TypedResults.Ok(await s.ListAsync(Viewer.Require(user).UserId, ct)))
            .WithSummary("The caller's API tokens (never their values)");
        tokens.MapPost("/", async Task<Results<Created<CreatedApiToken>, ProblemHttpResult>> (ClaimsPrincipal user, CreateTokenRequest? body, ApiTokenService s, CancellationToken ct) =>
        {
            if (SessionOnly(user) is { } refused) return refused;
            var r = await s.CreateAsync(Viewer.Require(user), body?.Name, body?.ExpiresInDays, ct);
            return r.Ok ? TypedResults.Created($"/api/tokens/{r.Value!.Token.Id}", r.Value) : r.ToProblem();
        }).ProducesValidationProblem().Problems(403, 409)
            .WithSummary("Makes an API token (from a signed-in session only); the answer carries its value, shown this once");
        tokens.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, ClaimsPrincipal user, ApiTokenService s, CancellationToken ct) =>
            await s.RevokeAsync(Viewer.Require(user), id, ct)
                ? TypedResults.NoContent()
                : TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"You have no API token with id {id}."))
            .Problems(404)
            .WithSummary("Revokes one of the caller's API tokens");

        var allow = api.MapGroup("/allowlist").RequireAuthorization(AuthSetup.AdminPolicy).SignInRequired(admin: true);
        allow.MapGet("/", async (bool? includeRevoked, AllowlistService s, CancellationToken ct) => TypedResults.Ok(await s.ListAsync(includeRevoked ?? true, ct)))
            .WithSummary("Who may sign in, with their roles (admins); includeRevoked=false leaves out revoked entries");
        allow.MapPost("/", async Task<Results<Created<AllowlistView>, ProblemHttpResult>> (AllowlistRequest? body, AllowlistService s, Actor actor, CancellationToken ct) =>
        {
            var r = await s.AddAsync(body?.Email, body?.Role, actor.Name, ct);
            return r.Ok ? TypedResults.Created($"/api/allowlist/{r.Value!.Id}", r.Value) : r.ToProblem();
        }).ProducesValidationProblem().Problems(409)
            .WithSummary("Lets an email sign in, as Admin or Operator (admins)");
        allow.MapPatch("/{id:long}", async Task<Results<Ok<AllowlistView>, ProblemHttpResult>> (long id, AllowlistRequest? body, AllowlistService s, Actor actor, CancellationToken ct) =>
        {
            var r = await s.ChangeRoleAsync(id, body?.Role, actor.Name, ct);
            return r.Ok ? TypedResults.Ok(r.Value!) : r.ToProblem();
        }).ProducesValidationProblem().Problems(404, 409)
            .WithSummary("Changes an entry's role (admins)");
        allow.MapDelete("/{id:long}", async Task<Results<Ok<AllowlistView>, ProblemHttpResult>> (long id, AllowlistService s, Actor actor, CancellationToken ct) =>
        {
            var r = await s.RevokeAsync(id, actor.Name, ct);
            return r.Ok ? TypedResults.Ok(r.Value!) : r.ToProblem();
        }).ProducesValidationProblem().Problems(404, 409)
            .WithSummary("Revokes an entry: that person's sessions and tokens stop working (admins)");
        return app;
    }

    /// <summary>
    /// New credentials (a password, another token) only from a signed-in browser session: a leaked token must not be
    /// able to outlive its own revocation by minting more.
    /// </summary>
    private static ProblemHttpResult? SessionOnly(ClaimsPrincipal user)
        => user.Identity?.AuthenticationType == IdentityConstants.ApplicationScheme ? null
            : TypedResults.Problem(statusCode: 403, title: "Sign in to do this",
                detail: "Passwords and API tokens are managed from a signed-in session (My account), not with a token.");

    /// <summary>Only local paths: a sign-in link must never bounce the user to another site.</summary>
    public static string SafeReturnUrl(string? returnUrl)
        => !string.IsNullOrEmpty(returnUrl) && returnUrl.Length <= 2048 && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
           && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) && !returnUrl.Any(char.IsControl) ? returnUrl : "/";

    /// <summary>Back from the OpenID Connect provider: the same allowlist, by email; the local user is created on first visit.</summary>
    private static async Task<IResult> CompleteExternalAsync(HttpContext http, string? returnUrl, SignInManager<AppUser> signIn, UserManager<AppUser> users,
        AllowlistService allowlist, TimeProvider time, IOptions<AuthOptions> options, ILogger<AllowlistService> logger)
    {
        var external = await http.AuthenticateAsync(IdentityConstants.ExternalScheme);
        await http.SignOutAsync(IdentityConstants.ExternalScheme);
        if (!external.Succeeded) return Results.LocalRedirect(AuthSetup.SignInPath + "?error=external");
        var email = external.Principal.FindFirstValue("email") ?? external.Principal.FindFirstValue(ClaimTypes.Email);
        // The provider must vouch for the email (unless configured to be trusted): a user who could type any email
        // into their profile would otherwise sign in as whoever has it here.
        var verified = string.Equals(external.Principal.FindFirstValue("email_verified"), "true", StringComparison.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(email) || (!verified && !options.Value.Oidc.TrustUnverifiedEmail))
            return Results.LocalRedirect(AuthSetup.AccessDeniedPath + "?reason=no-email");
        var issuer = external.Principal.FindFirstValue("iss") ?? options.Value.Oidc.Authority!;
        var subject = external.Principal.FindFirstValue("sub");
        if (string.IsNullOrEmpty(subject)) return Results.LocalRedirect(AuthSetup.SignInPath + "?error=external");
        if (await allowlist.ActiveAsync(email, http.RequestAborted) is null)
        {
            logger.LogWarning("External sign-in refused: {Email} is not allowlisted", LogMask.Email(email));
            return Results.LocalRedirect(AuthSetup.AccessDeniedPath + "?reason=not-granted");
        }
        // Linked by the provider's own id (issuer + subject) once known; by email only the first time.
        var loginProvider = "oidc:" + issuer;
        var user = await users.FindByLoginAsync(loginProvider, subject);
        if (user is null)
        {
            user = await FindOrCreateUserAsync(users, email, time);
            if (user is null) return Results.LocalRedirect(AuthSetup.SignInPath + "?error=external");
            var logins = await users.GetLoginsAsync(user);
            if (logins.Any(l => l.LoginProvider == loginProvider))
            {
                // This email here already belongs to another account at the same provider.
                logger.LogWarning("External sign-in refused: {Email} is linked to another account of the provider", LogMask.Email(email));
                return Results.LocalRedirect(AuthSetup.AccessDeniedPath + "?reason=not-granted");
            }
            await users.AddLoginAsync(user, new UserLoginInfo(loginProvider, subject, options.Value.Oidc.DisplayName));
        }
        else if (!string.Equals(user.Email, AllowlistService.Normalize(email), StringComparison.Ordinal))
        {
            // The allowlist is by email: the one the provider says now is the one checked above.
            return Results.LocalRedirect(AuthSetup.AccessDeniedPath + "?reason=not-granted");
        }
        await signIn.SignInAsync(user, isPersistent: false, authenticationMethod: "oidc");
        return Results.LocalRedirect(SafeReturnUrl(returnUrl));
    }

    public static async Task<AppUser?> FindOrCreateUserAsync(UserManager<AppUser> users, string email, TimeProvider time, bool confirmed = true)
    {
        var normalized = AllowlistService.Normalize(email);
        var user = await users.FindByEmailAsync(normalized);
        if (user is not null)
        {
            if (confirmed && !user.EmailConfirmed)
            {
                user.EmailConfirmed = true;
                await users.UpdateAsync(user);
            }
            return user;
        }
        user = new AppUser { UserName = normalized, Email = normalized, EmailConfirmed = confirmed, CreatedAt = time.GetUtcNow().UtcDateTime };
        var created = await users.CreateAsync(user);
        return created.Succeeded ? user : await users.FindByEmailAsync(normalized);
    }
}
