using System.Net;
using System.Net.Http.Json;
using AutoLynx.Testing;
using AutoLynx.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace AutoLynx.Tests.Integration.Auth;

/// <summary>Browser-session protections: cross-site requests, sign-out forms, other people's campaign pages.</summary>
public sealed class WebSecurityTests
{
    [Fact]
    public async Task CookieSession_StateChangingApiCalls_FromAnotherSite_AreRefused()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        var (_, _, session) = await app.SignUpAsync("csrf@example.com");
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(2), @as: session);

        async Task<HttpStatusCode> Patch(params (string Header, string Value)[] headers)
        {
            using var request = new HttpRequestMessage(HttpMethod.Patch, $"api/campaigns/{id}") { Content = JsonContent.Create(new { name = "Renamed" }) };
            foreach (var (h, v) in headers) request.Headers.Add(h, v);
            using var resp = await session.SendAsync(request);
            if (resp.StatusCode == HttpStatusCode.Forbidden) Assert.Contains("Cross-site request refused", await resp.Content.ReadAsStringAsync());
            return resp.StatusCode;
        }
        Assert.Equal(HttpStatusCode.Forbidden, await Patch(("Sec-Fetch-Site", "cross-site")));
        Assert.Equal(HttpStatusCode.Forbidden, await Patch(("Sec-Fetch-Site", "same-site")));
        Assert.Equal(HttpStatusCode.Forbidden, await Patch(("Origin", "https://evil.example")));
        Assert.Equal("Test campaign", (await app.GetJsonAsync($"api/campaigns/{id}")).GetProperty("name").GetString());

        Assert.Equal(HttpStatusCode.OK, await Patch(("Sec-Fetch-Site", "same-origin"), ("Origin", app.BaseUrl.GetLeftPart(UriPartial.Authority))));
        Assert.Equal(HttpStatusCode.OK, await Patch(("Origin", app.BaseUrl.GetLeftPart(UriPartial.Authority))));
        // Reading is not guarded, and bearer tokens are not cookies: a cross-site header changes nothing for them.
        using var read = new HttpRequestMessage(HttpMethod.Get, $"api/campaigns/{id}") { Headers = { { "Sec-Fetch-Site", "cross-site" } } };
        Assert.Equal(HttpStatusCode.OK, (await session.SendAsync(read)).StatusCode);
        using var byToken = new HttpRequestMessage(HttpMethod.Patch, $"api/campaigns/{id}") { Content = JsonContent.Create(new { cap = 3 }), Headers = { { "Origin", "https://evil.example" } } };
        Assert.Equal(HttpStatusCode.OK, (await app.Http.SendAsync(byToken)).StatusCode);
    }

    [Fact]
    public async Task SignOut_NeedsTheFormsAntiforgeryToken()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        var (_, _, session) = await app.SignUpAsync("out@example.com");
        using (var forged = await session.PostAsync("signout", new FormUrlEncodedContent([])))
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("api/me")).StatusCode);

        // The real form in the user menu carries the token: signing out through it is a browser test (AccessTests).
    }

    [Theory]
    [InlineData("Auth:Smtp:Host", "smtp.example.com", "Auth:PublicBaseUrl")]
    [InlineData("Auth:BootstrapApiToken", "alx_0123456789abcdef0123", "Auth:BootstrapAdminEmail")]
    public void UnsafeSettingsOutsideDemoMode_RefuseToStart(string key, string value, string named)
    {
        var db = Path.Combine(Path.GetTempPath(), $"autolynx-unsafe-{Guid.NewGuid():N}.db");
        using var factory = new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Default", $"Data Source={db}");
            b.UseSetting("Vapi:ApiKey", "a-real-looking-key");
            b.UseSetting(key, value);
        });
        var ex = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains(named, ex.ToString());
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(db);
    }

    [Fact]
    public async Task AnotherOperatorsCampaignPage_ShowsNothingOfIt()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        var (a, _, _) = await app.SignUpAsync("page.a@example.com");
        var (_, _, bSession) = await app.SignUpAsync("page.b@example.com");
        var id = await app.CreateCampaignAsync("name,business_name,phone\nSecret Person,Secret Business,+14155550101\n", name: "Secret list", @as: a);

        var html = await bSession.GetStringAsync($"campaigns/{id}");
        Assert.Contains($"There is no campaign with id {id}", html);
        Assert.DoesNotContain("Secret list", html);
        Assert.DoesNotContain("Secret Person", html);
        var list = await bSession.GetStringAsync("campaigns");
        Assert.DoesNotContain("Secret list", list);
    }
}
