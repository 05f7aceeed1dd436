using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AutoLynx.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static AutoLynx.E2E.BlazorPage;

namespace AutoLynx.E2E;

/// <summary>
/// Sign-in and access in Chromium: the sign-in page, password and emailed-link sign-in, the admin's allowlist page,
/// an operator's narrower view, revocation reaching an open page, and a stranger turned away.
/// </summary>
public sealed class AccessTests(E2EFixture app, ITestOutputHelper output) : IClassFixture<E2EFixture>, IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];

    private async Task<IPage> NewPageAsync(bool signedIn)
    {
        var context = await app.NewContextAsync(signedIn);
        context.SetDefaultTimeout(15_000);
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.PageError += (_, e) => output.WriteLine($"[pageerror] {e}");
        return page;
    }

    private static Task Shot(IPage page, string name)
        => page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(E2EFixture.ScreenshotDir, name + ".png"), FullPage = true });

    [Fact(Timeout = 120_000)]
    public async Task Anonymous_GoesToSignIn_PasswordSignIn_ThenSignOut()
    {
        var page = await NewPageAsync(signedIn: false);
        await page.GotoAsync("/campaigns");
        await Expect(page).ToHaveURLAsync(new Regex("/signin\\?ReturnUrl=%2Fcampaigns$"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Sign in");
        await Shot(page, "30-sign-in");

        await page.Locator("#email").FillAsync(app.AdminEmail);
        await page.Locator("#password").FillAsync("not the password");
        await page.Locator("[data-testid=signin-password]").ClickAsync();
        await Expect(page.Locator("[data-testid=signin-error]")).ToHaveTextAsync("Wrong email or password.");

        await page.Locator("#password").FillAsync(app.AdminPassword);
        await page.Locator("[data-testid=signin-password]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/campaigns$"));
        await Expect(page.Locator("[data-testid=user-chip]")).ToContainTextAsync($"{app.AdminEmail} · Admin");
        await WaitForCircuitAsync(page);

        await page.Locator("[data-testid=user-chip]").ClickAsync();
        await page.Locator("[data-testid=signout]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/signin\\?signedOut=1$"));
        await Expect(page.Locator("text=You are signed out.")).ToBeVisibleAsync();
        await page.GotoAsync("/campaigns");
        await Expect(page).ToHaveURLAsync(new Regex("/signin"));
    }

    [Fact(Timeout = 180_000)]
    public async Task Admin_InvitesOperator_OperatorSignsInByLink_SeesOwnView_ThenIsRevoked()
    {
        const string email = "olivia.operator@example.com";
        // The admin adds Olivia on the access page.
        var admin = await NewPageAsync(signedIn: true);
        await admin.GotoAsync("/admin/access");
        await WaitForCircuitAsync(admin);
        await Input(admin, "allow-email").FillAsync(email);
        await admin.Locator("[data-testid=allow-add]").ClickAsync();
        await Expect(admin.Locator("[data-testid=allowlist-table]")).ToContainTextAsync(email);
        await Expect(admin.Locator("[data-testid=allowlist-table] tr", new() { HasText = email })).ToContainTextAsync("invited");
        await Shot(admin, "31-admin-access");

        // Olivia asks for a link and opens it from her mail.
        var olivia = await NewPageAsync(signedIn: false);
        await olivia.GotoAsync("/signin");
        await olivia.Locator("#magic-email").FillAsync(email);
        var asked = DateTimeOffset.UtcNow.AddSeconds(-1);
        await olivia.Locator("[data-testid=send-link]").ClickAsync();
        await Expect(olivia.Locator("[data-testid=link-sent]")).ToContainTextAsync(email);
        await Shot(olivia, "32-link-sent");
        var mail = await app.Mail.WaitForAsync(email, TimeSpan.FromSeconds(30), m => m.Date >= asked);
        await olivia.GotoAsync("/" + AuthFlows.LinkIn(mail.TextBody));
        await Expect(olivia.Locator("[data-testid=link-email]")).ToHaveTextAsync(email);
        await olivia.Locator("[data-testid=continue]").ClickAsync();
        await Expect(olivia).ToHaveURLAsync(new Regex("/$"));
        await Expect(olivia.Locator("[data-testid=user-chip]")).ToContainTextAsync($"{email} · Operator");
        await WaitForCircuitAsync(olivia);

        // An operator's view: no access page in the menu, assistants read-only, the access page refused.
        await Expect(olivia.Locator("[data-testid=nav-access]")).ToHaveCountAsync(0);
        await olivia.Locator("[data-testid=nav-assistants]").ClickAsync();
        await Expect(olivia.Locator("text=Read-only: admins manage assistants")).ToBeVisibleAsync();
        await Expect(olivia.Locator("[data-testid=new-assistant]")).ToHaveCountAsync(0);
        await Expect(olivia.Locator("[data-testid=delete-assistant]")).ToHaveCountAsync(0);
        await Shot(olivia, "33-operator-assistants");
        await olivia.GotoAsync("/admin/access");
        await Expect(olivia).ToHaveURLAsync(new Regex("/access-denied"));
        await Expect(olivia.Locator("[data-testid=access-title]")).ToHaveTextAsync("Not allowed");

        // Her own API token, shown once.
        await olivia.GotoAsync("/account");
        await WaitForCircuitAsync(olivia);
        await Input(olivia, "token-name").FillAsync("CRM sync");
        await olivia.Locator("[data-testid=create-token]").ClickAsync();
        var token = await olivia.Locator("[data-testid=token-value]").InnerTextAsync();
        Assert.StartsWith("alx_", token);
        await Expect(olivia.Locator("[data-testid=token-table]")).ToContainTextAsync("CRM sync");
        await Shot(olivia, "34-account-tokens");
        using var api = AuthFlows.TokenClient(new Uri(app.BaseUrl + "/"), token);
        Assert.Equal(email, (await api.GetFromJsonAsync<JsonElement>("api/me")).GetProperty("email").GetString());

        // The admin revokes her: her open page loses access without a reload, and her token stops working.
        await olivia.GotoAsync("/campaigns");
        await WaitForCircuitAsync(olivia);
        await admin.ReloadAsync();
        await WaitForCircuitAsync(admin);
        await admin.Locator($"[data-testid='revoke-{email}']").ClickAsync();
        await admin.Locator(".mud-dialog button", new() { HasText = "Revoke" }).ClickAsync();
        await Expect(admin.Locator("[data-testid=allowlist-table] tr", new() { HasText = email })).ToContainTextAsync("revoked");
        await Expect(olivia).ToHaveURLAsync(new Regex("/(signin|access-denied)"), new() { Timeout = 30_000 });
        Assert.Equal(401, (int)(await api.GetAsync("api/me")).StatusCode);
        await Shot(olivia, "35-revoked");
    }

    [Fact(Timeout = 60_000)]
    public async Task Stranger_IsToldAccessIsNotGranted()
    {
        var page = await NewPageAsync(signedIn: false);
        await page.GotoAsync("/register");
        await page.Locator("#email").FillAsync("stranger@example.com");
        await page.Locator("[data-testid=register]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/access-denied\\?reason=not-granted$"));
        await Expect(page.Locator("[data-testid=access-title]")).ToHaveTextAsync("Access not granted");
        await Shot(page, "36-access-not-granted");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var c in _contexts) await c.DisposeAsync();
        while (app.ServerLog.TryDequeue(out var line)) output.WriteLine($"[server] {line}");
    }
}
