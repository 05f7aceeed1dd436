using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AutoLynx.Data;
using AutoLynx.Testing;
using AutoLynx.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Tests.Integration.Auth;

/// <summary>Sign-in, links, lockout, rate limit, allowlist changes and tokens, over HTTP against the real app.</summary>
public sealed class SignInFlowTests
{
    private static async Task<string> ErrorOnPageAsync(HttpResponseMessage resp)
    {
        var html = await resp.Content.ReadAsStringAsync();
        var m = System.Text.RegularExpressions.Regex.Match(html, "data-testid=\"signin-error\">([^<]*)<");
        return WebUtility.HtmlDecode(m.Groups[1].Value);
    }

    private static string? Loc(HttpResponseMessage r) => r.Headers.Location is { } l ? (l.IsAbsoluteUri ? l.PathAndQuery : l.ToString()) : null;

    private static Task<HttpResponseMessage> PasswordAsync(HttpClient c, string email, string password)
        => AuthFlows.PostFormAsync(c, "signin", "password", new Dictionary<string, string> { ["Password.Email"] = email, ["Password.Password"] = password });

    [Fact]
    public async Task Password_WrongThenLockedOut_ThenLinkStillWorks()
    {
        await using var app = AppHost.Start(Db.Sqlite, new Dictionary<string, string?> { ["Auth:MaxFailedAttempts"] = "3" });
        var (_, _, session) = await app.SignUpAsync("pat@example.com");
        using (var set = await session.PostAsJsonAsync("api/me/password", new { newPassword = "correct horse battery" }))
            Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);

        using var browser = AuthFlows.CookieClient(app.BaseUrl);
        using (var ok = await PasswordAsync(browser, "PAT@example.com", "correct horse battery"))
        {
            Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
            Assert.Equal("/", Loc(ok));
        }
        var me = await browser.GetFromJsonAsync<JsonElement>("api/me");
        Assert.Equal("pat@example.com", me.GetProperty("email").GetString());
        Assert.Equal("Operator", me.GetProperty("role").GetString());

        using var other = AuthFlows.CookieClient(app.BaseUrl);
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await PasswordAsync(other, "pat@example.com", "wrong password " + i);
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains(i < 2 ? "Wrong email or password" : "locked", await ErrorOnPageAsync(wrong));
        }
        using (var locked = await PasswordAsync(other, "pat@example.com", "correct horse battery"))
            Assert.Contains("locked", await ErrorOnPageAsync(locked));
        using (var unknown = await PasswordAsync(other, "nobody@example.com", "whatever it is"))
            Assert.Equal("Wrong email or password.", await ErrorOnPageAsync(unknown));
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetAsync("api/me")).StatusCode);

        // The emailed link proves the address, so it still signs in (and clears the failures).
        using var viaLink = await AuthFlows.SignInWithLinkAsync(app.BaseUrl, "pat@example.com", app.Mail);
        Assert.Equal(HttpStatusCode.OK, (await viaLink.GetAsync("api/me")).StatusCode);
    }

    [Fact]
    public async Task MagicLink_WorksOnce_AndOnlyForAllowlistedEmails()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        (await app.Http.PostAsJsonAsync("api/allowlist", new { email = "lin@example.com", role = "Operator" })).EnsureSuccessStatusCode();

        using var browser = AuthFlows.CookieClient(app.BaseUrl);
        using (var ask = await AuthFlows.PostFormAsync(browser, "signin", "magic", new Dictionary<string, string> { ["Magic.Email"] = "lin@example.com" }))
            Assert.Contains("a sign-in link is on its way", await ask.Content.ReadAsStringAsync());
        var mail = await app.Mail.WaitForAsync("lin@example.com", TimeSpan.FromSeconds(30));
        Assert.Equal("Your AutoLynx sign-in link", mail.Subject);
        var link = AuthFlows.LinkIn(mail.TextBody);
        Assert.StartsWith("signin/link?", link);

        // Asking again at once sends nothing more (no inbox flooding) and keeps the first link valid.
        using (var askAgain = await AuthFlows.PostFormAsync(browser, "signin", "magic", new Dictionary<string, string> { ["Magic.Email"] = "lin@example.com" }))
            Assert.Contains("a sign-in link is on its way", await askAgain.Content.ReadAsStringAsync());
        await Task.Delay(500);
        Assert.Single(app.Mail.Messages, m => m.To.Mailboxes.Any(b => b.Address == "lin@example.com"));

        // Opening the link (a mail scanner does that) signs nobody in; pressing Continue does, once.
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("api/me")).StatusCode);
        using (var first = await AuthFlows.ConfirmLinkAsync(browser, link))
            Assert.Equal("/", Loc(first));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("api/me")).StatusCode);
        using var again = AuthFlows.CookieClient(app.BaseUrl);
        using (var second = await AuthFlows.ConfirmLinkAsync(again, link))
            Assert.Equal("/signin?error=link", Loc(second));

        // Not allowlisted: the same answer on the page, but no email is sent.
        using var stranger = AuthFlows.CookieClient(app.BaseUrl);
        using (var ask = await AuthFlows.PostFormAsync(stranger, "signin", "magic", new Dictionary<string, string> { ["Magic.Email"] = "mallory@example.com" }))
            Assert.Contains("a sign-in link is on its way", await ask.Content.ReadAsStringAsync());
        await Task.Delay(500);
        Assert.DoesNotContain(app.Mail.Messages, m => m.To.Mailboxes.Any(b => b.Address == "mallory@example.com"));

        // Registering with an email nobody invited says so plainly.
        using (var register = await AuthFlows.PostFormAsync(stranger, "register", "register", new Dictionary<string, string> { ["Input.Email"] = "mallory@example.com" }))
            Assert.Equal("/access-denied?reason=not-granted", Loc(register));
        var denied = await stranger.GetStringAsync("access-denied?reason=not-granted");
        Assert.Contains("Access not granted", denied);
    }

    [Fact]
    public async Task Revoking_EndsSessionAndTokens_AtTheNextRequest_AndIsAudited()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        var (api, _, session) = await app.SignUpAsync("rev@example.com");
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("api/campaigns")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("api/campaigns")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("campaigns")).StatusCode);

        var id = (await app.GetJsonAsync("api/allowlist")).EnumerateArray().First(e => e.GetProperty("email").GetString() == "rev@example.com").GetProperty("id").GetInt64();
        (await app.Http.DeleteAsync($"api/allowlist/{id}")).EnsureSuccessStatusCode();

        using var byToken = await api.GetAsync("api/campaigns");
        Assert.Equal(HttpStatusCode.Unauthorized, byToken.StatusCode);
        Assert.Contains("revoked", await byToken.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync("api/campaigns")).StatusCode);
        using (var page = await session.GetAsync("campaigns"))
        {
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.StartsWith("/signin", Loc(page));
        }

        // Granted again: old credentials stay dead (tokens revoked, session stamp changed); a new sign-in works.
        (await app.Http.PostAsJsonAsync("api/allowlist", new { email = "rev@example.com", role = "Admin" })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("api/me")).StatusCode);
        using var fresh = await AuthFlows.SignInWithLinkAsync(app.BaseUrl, "rev@example.com", app.Mail);
        var me = await fresh.GetFromJsonAsync<JsonElement>("api/me");
        Assert.Equal("Admin", me.GetProperty("role").GetString());
        Assert.NotNull(await app.WithDbAsync(db => db.ApiTokens.Where(t => t.Name == "tests").Select(t => t.RevokedAt).SingleAsync()));

        var audit = await app.WithDbAsync(db => db.AuditLog.Where(a => a.EntityType == "allowlist" && a.EntityId == "rev@example.com")
            .OrderBy(a => a.Id).Select(a => new { a.Action, a.Actor }).ToListAsync());
        Assert.Equal(["allowlist.add", "allowlist.revoke", "allowlist.add"], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal("admin@autolynx.local", a.Actor));
    }

    [Fact]
    public async Task RoleChange_TakesEffectAtTheNextRequest_AndTheLastAdminStays()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        var (api, _, _) = await app.SignUpAsync("role@example.com");
        Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync("api/allowlist")).StatusCode);
        var entries = await app.GetJsonAsync("api/allowlist");
        long IdOf(string email) => entries.EnumerateArray().First(e => e.GetProperty("email").GetString() == email).GetProperty("id").GetInt64();

        using (var promote = await app.Http.PatchAsJsonAsync($"api/allowlist/{IdOf("role@example.com")}", new { role = "admin" }))
            Assert.Equal("Admin", (await promote.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("api/allowlist")).StatusCode);

        // Two admins: one may step down; then the other is the last one and cannot be revoked or demoted.
        using (var demoteSelf = await api.PatchAsJsonAsync($"api/allowlist/{IdOf("role@example.com")}", new { role = "Operator" }))
            Assert.Equal(HttpStatusCode.OK, demoteSelf.StatusCode);
        using (var last = await app.Http.DeleteAsync($"api/allowlist/{IdOf("admin@autolynx.local")}"))
        {
            Assert.Equal(HttpStatusCode.Conflict, last.StatusCode);
            Assert.Contains("only admin", await last.Content.ReadAsStringAsync());
        }
        using (var dup = await app.Http.PostAsJsonAsync("api/allowlist", new { email = " Role@Example.com ", role = "Operator" }))
            Assert.Equal(HttpStatusCode.Conflict, dup.StatusCode);
        using (var bad = await app.Http.PostAsJsonAsync("api/allowlist", new { email = "x@example.com", role = "1" }))
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task ApiTokens_ShownOnce_StoredHashed_LastUsed_Revocable()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        var (api, token, session) = await app.SignUpAsync("tok@example.com");
        Assert.StartsWith("alx_", token);
        var list = await session.GetFromJsonAsync<JsonElement>("api/tokens");
        var row = list.EnumerateArray().Single();
        Assert.False(row.TryGetProperty("value", out _));
        Assert.Equal(token[..10], row.GetProperty("prefix").GetString());
        Assert.True(row.GetProperty("lastUsedAt").ValueKind is JsonValueKind.Null or JsonValueKind.String);

        var stored = await app.WithDbAsync(db => db.ApiTokens.Where(t => t.Name == "tests").Select(t => t.TokenHash).ToListAsync());
        Assert.Single(stored);
        Assert.DoesNotContain(token, stored[0]);
        Assert.Equal(64, stored[0].Length);

        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("api/me")).StatusCode);
        var used = await session.GetFromJsonAsync<JsonElement>("api/tokens");
        Assert.Equal(JsonValueKind.String, used[0].GetProperty("lastUsedAt").ValueKind);

        // Someone else's token id looks like no token at all.
        var (other, _, _) = await app.SignUpAsync("tok2@example.com");
        var id = row.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"api/tokens/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await session.DeleteAsync($"api/tokens/{id}")).StatusCode);
        using var revoked = await api.GetAsync("api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Contains("revoked", await revoked.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Operators_SeeOnlyTheirOwnCampaigns_AdminsSeeAll()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        var (a, _, _) = await app.SignUpAsync("own.a@example.com");
        var (b, _, _) = await app.SignUpAsync("own.b@example.com");
        var ofA = await app.CreateCampaignAsync(AppHost.SampleCsv(2), name: "Campaign of A", @as: a);
        var ofB = await app.CreateCampaignAsync(AppHost.SampleCsv(2), name: "Campaign of B", @as: b);
        static async Task<string[]> Names(HttpClient c) => (await c.GetFromJsonAsync<JsonElement>("api/campaigns")).GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("name").GetString()!).Order().ToArray();
        Assert.Equal(["Campaign of A"], await Names(a));
        Assert.Equal(["Campaign of B"], await Names(b));
        Assert.Equal(["Campaign of A", "Campaign of B"], await Names(app.Http));

        using var peek = await b.GetAsync($"api/campaigns/{ofA}");
        Assert.Equal(HttpStatusCode.NotFound, peek.StatusCode);
        Assert.Contains($"There is no campaign with id {ofA}", await peek.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await b.PostAsync($"api/campaigns/{ofA}/start", null)).StatusCode);
        Assert.Equal("CREATED", (await app.GetJsonAsync($"api/campaigns/{ofA}")).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync($"api/campaigns/{ofB}")).StatusCode);

        var owners = await app.WithDbAsync(db => db.Campaigns.Select(c => c.OwnerId).Distinct().CountAsync());
        Assert.Equal(2, owners);
    }

    [Fact]
    public async Task SignIn_IsRateLimitedPerAddress()
    {
        await using var app = AppHost.Start(Db.Sqlite, new Dictionary<string, string?> { ["Auth:SignInPermitsPerMinute"] = "4" });
        using var c = AuthFlows.CookieClient(app.BaseUrl);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var r = await PasswordAsync(c, "someone@example.com", "guess " + i);
            statuses.Add(r.StatusCode);
            if (r.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal("60", r.Headers.RetryAfter?.ToString());
                Assert.Contains("Too many sign-in attempts", await r.Content.ReadAsStringAsync());
            }
        }
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 4), HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        // Reading pages and the API is not limited.
        Assert.Equal(HttpStatusCode.OK, (await c.GetAsync("signin")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync("api/me")).StatusCode);
    }

    [Fact]
    public async Task SupabaseTokens_MappedByEmailToTheAllowlist()
    {
        await using var app = AppHost.Start(Db.Sqlite, SupabaseTestTokens.Settings());
        (await app.Http.PostAsJsonAsync("api/allowlist", new { email = "supa@example.com", role = "Operator" })).EnsureSuccessStatusCode();

        using var ok = app.WithToken(SupabaseTestTokens.Mint("Supa@Example.com"));
        var me = await ok.GetFromJsonAsync<JsonElement>("api/me");
        Assert.Equal("supa@example.com", me.GetProperty("email").GetString());
        Assert.Equal("Operator", me.GetProperty("role").GetString());
        // The first visit made the local user who owns their campaigns; the next one finds the same user.
        var again = await app.WithToken(SupabaseTestTokens.Mint("supa@example.com")).GetFromJsonAsync<JsonElement>("api/me");
        Assert.Equal(me.GetProperty("userId").GetString(), again.GetProperty("userId").GetString());

        async Task<(HttpStatusCode, string)> Try(string token)
        {
            using var c = app.WithToken(token);
            using var r = await c.GetAsync("api/me");
            return (r.StatusCode, await r.Content.ReadAsStringAsync());
        }
        var (s1, b1) = await Try(SupabaseTestTokens.Mint("stranger@example.com"));
        Assert.Equal(HttpStatusCode.Unauthorized, s1);
        Assert.Contains("not on the AutoLynx allowlist", b1);
        var (s2, b2) = await Try(SupabaseTestTokens.Mint("supa@example.com", TimeSpan.FromMinutes(-2)));
        Assert.Equal(HttpStatusCode.Unauthorized, s2);
        Assert.Contains("expired", b2);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Try(SupabaseTestTokens.Mint("supa@example.com", secret: "another-projects-secret-of-at-least-32-chars"))).Item1);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Try(SupabaseTestTokens.Mint("supa@example.com", audience: "anon"))).Item1);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Try(SupabaseTestTokens.Mint("supa@example.com", issuer: "https://evil.supabase.co/auth/v1"))).Item1);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Try("not.a.jwt")).Item1);
    }

    [Fact]
    public async Task EventStream_EndsWhenItsUserIsRevoked()
    {
        await using var app = AppHost.Start(Db.Sqlite, new Dictionary<string, string?> { ["Auth:RevalidateEvery"] = "00:00:00.500" });
        var (api, _, _) = await app.SignUpAsync("sse@example.com");
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(2), name: "Streamed", @as: api);

        using var resp = await api.GetAsync($"api/campaigns/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        await using var stream = await resp.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream);
        Assert.Equal(": connected", await reader.ReadLineAsync());

        var entry = (await app.GetJsonAsync("api/allowlist")).EnumerateArray().First(e => e.GetProperty("email").GetString() == "sse@example.com").GetProperty("id").GetInt64();
        (await app.Http.DeleteAsync($"api/allowlist/{entry}")).EnsureSuccessStatusCode();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await reader.ReadLineAsync(cts.Token) is not null) { }
        Assert.False(cts.IsCancellationRequested, "The stream should have been closed by the server.");
    }
}
