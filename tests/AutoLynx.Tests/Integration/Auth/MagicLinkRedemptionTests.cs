using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using AutoLynx.Testing;
using AutoLynx.Tests.Infrastructure;

namespace AutoLynx.Tests.Integration.Auth;

/// <summary>
/// A sign-in link works once, also when it is pressed several times at the same moment (a double click, a mail
/// scanner racing the person, a stolen link raced against its owner): exactly one of the concurrent redemptions
/// signs in.
/// </summary>
public sealed class MagicLinkRedemptionTests
{
    private const int Racers = 8;
    private const int Rounds = 3;

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task RedeemAsync_ConcurrentRedemptionsOfOneLink_ExactlyOneSignsIn(Db db)
    {
        // Every redemption is a sign-in post; lift the per-address limit so that the race, not the limiter, decides.
        await using var app = AppHost.Start(db, new Dictionary<string, string?> { ["Auth:SignInPermitsPerMinute"] = "10000" });
        for (var round = 0; round < Rounds; round++)
        {
            // A new person each round: one person gets a new link at most once a minute.
            var email = $"race{round}@example.com";
            (await app.Http.PostAsJsonAsync("api/allowlist", new { email, role = "Operator" })).EnsureSuccessStatusCode();
            var link = await AskForLinkAsync(app, email);

            // Each racer opens the link's page first (its own antiforgery cookie and token), then all press Continue at once.
            var racers = new List<(HttpClient Client, FormUrlEncodedContent Form)>();
            for (var i = 0; i < Racers; i++)
            {
                var client = AuthFlows.CookieClient(app.BaseUrl);
                racers.Add((client, await ContinueFormAsync(client, link)));
            }
            using var go = new ManualResetEventSlim(false);
            var presses = racers.Select(r => Task.Run(async () =>
            {
                go.Wait();
                using var resp = await r.Client.PostAsync("signin/link", r.Form);
                return resp.StatusCode;
            })).ToList();
            go.Set();
            await Task.WhenAll(presses);

            var signedIn = 0;
            foreach (var (client, _) in racers)
            {
                using var me = await client.GetAsync("api/me");
                if (me.StatusCode == HttpStatusCode.OK) signedIn++;
                else Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
                client.Dispose();
            }
            Assert.True(signedIn == 1, $"round {round}: {signedIn} of {Racers} concurrent redemptions of one link signed in");
        }
    }

    private static async Task<string> AskForLinkAsync(AppHost app, string email)
    {
        using var browser = AuthFlows.CookieClient(app.BaseUrl);
        var sent = DateTimeOffset.UtcNow.AddSeconds(-1);
        using (var ask = await AuthFlows.PostFormAsync(browser, "signin", "magic", new Dictionary<string, string> { ["Magic.Email"] = email }))
            Assert.Equal(HttpStatusCode.OK, ask.StatusCode);
        var mail = await app.Mail.WaitForAsync(email, TimeSpan.FromSeconds(30), m => m.Date >= sent);
        return AuthFlows.LinkIn(mail.TextBody);
    }

    /// <summary>The "Continue" form of the link's page, as the browser would post it.</summary>
    private static async Task<FormUrlEncodedContent> ContinueFormAsync(HttpClient client, string link)
    {
        var html = await client.GetStringAsync(link);
        string Field(string name) => WebUtility.HtmlDecode(Regex.Match(html, $"name=\"{Regex.Escape(name)}\" value=\"([^\"]*)\"").Groups[1].Value);
        return new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "magic-link",
            ["__RequestVerificationToken"] = Field("__RequestVerificationToken"),
            ["Input.Email"] = Field("Input.Email"),
            ["Input.Token"] = Field("Input.Token"),
            ["Input.ReturnUrl"] = Field("Input.ReturnUrl"),
        });
    }
}
