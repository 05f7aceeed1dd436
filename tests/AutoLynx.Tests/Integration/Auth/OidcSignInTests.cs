using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AutoLynx.Testing;
using AutoLynx.Tests.Infrastructure;

namespace AutoLynx.Tests.Integration.Auth;

/// <summary>Single sign-on through a generic OpenID Connect provider (authorization code + PKCE), under the same allowlist.</summary>
public sealed class OidcSignInTests
{
    /// <summary>Follows redirects by hand (across the app and the provider) and returns the last response.</summary>
    private static async Task<(HttpResponseMessage Last, List<string> Hops)> FollowAsync(HttpClient client, string start)
    {
        var hops = new List<string>();
        var url = new Uri(client.BaseAddress!, start);
        for (var i = 0; i < 10; i++)
        {
            hops.Add(url.PathAndQuery.Split('?')[0]);
            var resp = await client.GetAsync(url);
            if (resp.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther)) return (resp, hops);
            url = resp.Headers.Location!.IsAbsoluteUri ? resp.Headers.Location : new Uri(url, resp.Headers.Location);
            resp.Dispose();
        }
        throw new InvalidOperationException("Too many redirects: " + string.Join(" → ", hops));
    }

    [Fact]
    public async Task Oidc_AllowlistedEmailSignsIn_OthersAreTurnedAway()
    {
        await using var idp = await FakeOidcProvider.StartAsync();
        await using var app = AppHost.Start(Db.Sqlite, new Dictionary<string, string?>
        {
            ["Auth:Oidc:Authority"] = idp.Authority, ["Auth:Oidc:ClientId"] = FakeOidcProvider.ClientId,
            ["Auth:Oidc:ClientSecret"] = FakeOidcProvider.ClientSecret, ["Auth:Oidc:RequireHttpsMetadata"] = "false",
            ["Auth:Oidc:DisplayName"] = "Acme SSO",
        });
        (await app.Http.PostAsJsonAsync("api/allowlist", new { email = "sso.user@example.com", role = "Operator" })).EnsureSuccessStatusCode();

        using var anonymous = app.Anonymous();
        Assert.Contains("Sign in with Acme SSO", await anonymous.GetStringAsync("signin"));

        idp.NextEmail = "SSO.User@example.com";
        using var browser = AuthFlows.CookieClient(app.BaseUrl);
        var (last, hops) = await FollowAsync(browser, "signin/external?returnUrl=%2Fcampaigns");
        Assert.Equal(["/signin/external", "/authorize", "/signin-oidc", "/signin/external/done", "/campaigns"], hops);
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        var me = await browser.GetFromJsonAsync<JsonElement>("api/me");
        Assert.Equal("sso.user@example.com", me.GetProperty("email").GetString());
        Assert.Equal("Operator", me.GetProperty("role").GetString());

        idp.NextEmail = "outsider@example.com";
        using var outsider = AuthFlows.CookieClient(app.BaseUrl);
        var (_, outsiderHops) = await FollowAsync(outsider, "signin/external");
        Assert.Equal("/access-denied", outsiderHops[^1]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await outsider.GetAsync("api/me")).StatusCode);

        idp.NextEmail = "sso.user@example.com";
        idp.NextEmailVerified = false;
        using var unverified = AuthFlows.CookieClient(app.BaseUrl);
        var (deniedPage, unverifiedHops) = await FollowAsync(unverified, "signin/external");
        Assert.Equal("/access-denied", unverifiedHops[^1]);
        Assert.Contains("verified email", await deniedPage.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await unverified.GetAsync("api/me")).StatusCode);

        // A provider that says nothing about the email is not taken at its word either.
        idp.NextEmailVerified = null;
        using var silent = AuthFlows.CookieClient(app.BaseUrl);
        var (_, silentHops) = await FollowAsync(silent, "signin/external");
        Assert.Equal("/access-denied", silentHops[^1]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await silent.GetAsync("api/me")).StatusCode);

        // The account is now linked to the provider's own id (its subject): another account there claiming the same
        // email is refused, and the same person signs in again.
        idp.NextEmailVerified = true;
        idp.NextEmail = "sso.user@example.com"; // the fake provider derives the subject from the email as typed: another subject
        using var impostor = AuthFlows.CookieClient(app.BaseUrl);
        var (_, impostorHops) = await FollowAsync(impostor, "signin/external");
        Assert.Equal("/access-denied", impostorHops[^1]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await impostor.GetAsync("api/me")).StatusCode);
        idp.NextEmail = "SSO.User@example.com";
        using var again = AuthFlows.CookieClient(app.BaseUrl);
        await FollowAsync(again, "signin/external");
        Assert.Equal(me.GetProperty("userId").GetString(), (await again.GetFromJsonAsync<JsonElement>("api/me")).GetProperty("userId").GetString());
        var logins = await app.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.UserLogins));
        Assert.Equal(1, logins);
    }

    [Fact]
    public async Task Oidc_WhenNotConfigured_HasNoButtonAndNoEndpoint()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        using var anonymous = app.Anonymous();
        Assert.DoesNotContain("signin-oidc", await anonymous.GetStringAsync("signin"));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("signin/external")).StatusCode);
    }
}
