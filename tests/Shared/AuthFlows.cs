using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AutoLynx.Testing;

/// <summary>
/// Signing in the way a person does, over HTTP: the sign-in pages' forms (with their antiforgery tokens), the
/// emailed one-time link, the session cookie; then a personal API token made with that session.
/// </summary>
public static partial class AuthFlows
{
    /// <summary>A client that keeps cookies and does not follow redirects (tests look at them).</summary>
    public static HttpClient CookieClient(Uri baseUrl) => new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true })
    {
        BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60),
    };

    public static HttpClient TokenClient(Uri baseUrl, string? token)
    {
        var c = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null) c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return c;
    }

    /// <summary>GETs <paramref name="page"/>, then posts its form <paramref name="formName"/> with the fields given plus the hidden ones.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string page, string formName, IDictionary<string, string> fields, string? postTo = null)
    {
        var html = await client.GetStringAsync(page);
        var token = AntiforgeryToken().Match(html);
        if (!token.Success) throw new InvalidOperationException($"No antiforgery token on {page}.");
        var body = new Dictionary<string, string> { ["_handler"] = formName, ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value) };
        foreach (var (k, v) in fields) body[k] = v;
        return await client.PostAsync(postTo ?? page, new FormUrlEncodedContent(body));
    }

    /// <summary>Asks for a link on the sign-in page, reads it from the mail sink and confirms it: the client then has a session.</summary>
    public static async Task<HttpClient> SignInWithLinkAsync(Uri baseUrl, string email, SmtpSink mail, HttpClient? client = null)
    {
        client ??= CookieClient(baseUrl);
        var sent = DateTimeOffset.UtcNow.AddSeconds(-1);
        using (var ask = await PostFormAsync(client, "signin", "magic", new Dictionary<string, string> { ["Magic.Email"] = email }))
            if (ask.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"Asking for a link answered {(int)ask.StatusCode}.");
        var message = await mail.WaitForAsync(email, TimeSpan.FromSeconds(30), m => m.Date >= sent);
        var link = LinkIn(message.TextBody);
        using var confirm = await ConfirmLinkAsync(client, link);
        if (confirm.StatusCode != HttpStatusCode.Redirect || confirm.Headers.Location?.ToString().Contains("signin", StringComparison.Ordinal) == true
            || confirm.Headers.Location?.ToString().Contains("access-denied", StringComparison.Ordinal) == true)
            throw new InvalidOperationException($"Confirming the link answered {(int)confirm.StatusCode} → {confirm.Headers.Location}.");
        return client;
    }

    /// <summary>Opens a sign-in link's page and presses "Continue".</summary>
    public static async Task<HttpResponseMessage> ConfirmLinkAsync(HttpClient client, string link)
    {
        var html = await client.GetStringAsync(link);
        string Hidden(string name) => WebUtility.HtmlDecode(Regex.Match(html, $"name=\"{Regex.Escape(name)}\" value=\"([^\"]*)\"").Groups[1].Value);
        return await PostFormAsync(client, link, "magic-link", new Dictionary<string, string>
        {
            ["Input.Email"] = Hidden("Input.Email"), ["Input.Token"] = Hidden("Input.Token"), ["Input.ReturnUrl"] = Hidden("Input.ReturnUrl"),
        }, postTo: "signin/link");
    }

    public static string LinkIn(string? text)
    {
        if (text is null) throw new InvalidOperationException("The email has no text part.");
        var start = text.IndexOf("http", StringComparison.Ordinal);
        var end = text.IndexOfAny([' ', '\r', '\n'], start);
        return new Uri(end < 0 ? text[start..] : text[start..end]).PathAndQuery.TrimStart('/');
    }

    /// <summary>Creates a personal API token with a signed-in client and returns its value.</summary>
    public static async Task<string> CreateTokenAsync(HttpClient signedIn, string name = "tests")
    {
        using var resp = await signedIn.PostAsJsonAsync("api/tokens", new { name });
        var body = await resp.Content.ReadAsStringAsync();
        if (resp.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"Creating a token answered {(int)resp.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("value").GetString()!;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
