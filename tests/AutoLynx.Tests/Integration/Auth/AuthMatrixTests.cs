using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AutoLynx.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Xunit.Abstractions;

namespace AutoLynx.Tests.Integration.Auth;

/// <summary>
/// One app with three people and a finished campaign of operator A's. Every endpoint is called as each of:
/// anonymous, operator A (owner) with a token and with a browser session, operator B, admin, A through a Supabase token, a revoked user, a bad token and an
/// expired Supabase token, and each answer's status is pinned. A last test makes sure no /api endpoint is missing here.
/// </summary>
public sealed class AuthMatrixFixture : IAsyncLifetime
{
    public AppHost App { get; private set; } = null!;
    public Dictionary<string, HttpClient> As { get; } = [];
    public long CampaignId { get; private set; }
    public long CallId { get; private set; }
    public long AssistantId { get; private set; }
    public long LineId { get; private set; }
    public long AllowlistIdOfB { get; private set; }

    public async Task InitializeAsync()
    {
        App = AppHost.Start(Db.Sqlite, SupabaseTestTokens.Settings());
        var a = await App.SignUpAsync("op.a@example.com");
        var b = await App.SignUpAsync("op.b@example.com");
        var c = await App.SignUpAsync("op.c@example.com");
        var entries = await App.GetJsonAsync("api/allowlist");
        long IdOf(string email) => entries.EnumerateArray().First(e => e.GetProperty("email").GetString() == email).GetProperty("id").GetInt64();
        AllowlistIdOfB = IdOf("op.b@example.com");
        (await App.Http.DeleteAsync($"api/allowlist/{IdOf("op.c@example.com")}")).EnsureSuccessStatusCode();

        // Operator A's campaign, run to the end so it has a call.
        AssistantId = (await App.GetJsonAsync("api/assistants"))[0].GetProperty("id").GetInt64();
        LineId = (await App.GetJsonAsync("api/phone-lines"))[0].GetProperty("id").GetInt64();
        CampaignId = await App.CreateCampaignAsync(AppHost.SampleCsv(1), cap: 1, name: "A's campaign", @as: a.Api);
        (await a.Api.PostAsync($"api/campaigns/{CampaignId}/start", null)).EnsureSuccessStatusCode();
        await App.WaitForStatusAsync(CampaignId, "COMPLETED", TimeSpan.FromMinutes(2));
        CallId = (await App.GetJsonAsync($"api/campaigns/{CampaignId}/calls"))[0].GetProperty("id").GetInt64();

        As["anonymous"] = App.Anonymous();
        As["operatorA"] = a.Api;
        As["sessionA"] = a.Session;
        As["operatorB"] = b.Api;
        As["admin"] = App.Http;
        As["supabaseA"] = App.WithToken(SupabaseTestTokens.Mint("op.a@example.com"));
        As["revoked"] = c.Api;
        As["badToken"] = App.WithToken("alx_" + new string('x', 43));
        As["expiredSupabase"] = App.WithToken(SupabaseTestTokens.Mint("op.a@example.com", TimeSpan.FromMinutes(-5)));
    }

    public async Task DisposeAsync()
    {
        foreach (var c in As.Values.Where(c => c != App.Http)) c.Dispose();
        await App.DisposeAsync();
    }
}

public sealed class AuthMatrixTests(AuthMatrixFixture f, ITestOutputHelper output) : IClassFixture<AuthMatrixFixture>
{
    private enum Kind { Public, Machine, User, SessionOnly, OwnCampaign, Admin }

    /// <summary>An endpoint, a request that reaches its logic without changing anything, and what it answers when allowed.</summary>
    private sealed record Case(string Method, string Route, Kind Kind, Func<AuthMatrixFixture, string> Path, int Allowed,
        Func<HttpContent?>? Body = null);

    private static HttpContent Json(object o) => JsonContent.Create(o);
    private static HttpContent EmptyForm() => new MultipartFormDataContent { { new StringContent("x"), "name" } };

    private static readonly Case[] Cases =
    [
        new("GET", "/healthz", Kind.Public, _ => "healthz", 200),
        new("GET", "/readyz", Kind.Public, _ => "readyz", 200),
        new("GET", "/metrics", Kind.Admin, _ => "metrics", 200),
        new("POST", "/api/webhooks/vapi", Kind.Machine, _ => "api/webhooks/vapi", 401, () => Json(new { message = new { type = "status-update" } })),
        new("POST", "/api/scheduler/tick", Kind.Machine, _ => "api/scheduler/tick", 401),
        new("GET", "/openapi/{documentName}.json", Kind.User, _ => "openapi/v1.json", 200),

        new("GET", "/api/me", Kind.User, _ => "api/me", 200),
        new("POST", "/api/me/password", Kind.SessionOnly, _ => "api/me/password", 400, () => Json(new { newPassword = "short" })),
        new("GET", "/api/tokens", Kind.User, _ => "api/tokens", 200),
        new("POST", "/api/tokens", Kind.SessionOnly, _ => "api/tokens", 400, () => Json(new { name = "" })),
        new("DELETE", "/api/tokens/{id:long}", Kind.User, _ => "api/tokens/987654", 404),
        new("GET", "/api/allowlist", Kind.Admin, _ => "api/allowlist", 200),
        new("POST", "/api/allowlist", Kind.Admin, _ => "api/allowlist", 400, () => Json(new { email = "not-an-email", role = "Operator" })),
        new("PATCH", "/api/allowlist/{id:long}", Kind.Admin, f => $"api/allowlist/{f.AllowlistIdOfB}", 400, () => Json(new { role = "Owner" })),
        new("DELETE", "/api/allowlist/{id:long}", Kind.Admin, _ => "api/allowlist/987654", 404),

        new("GET", "/api/dnc", Kind.User, _ => "api/dnc", 200),
        new("POST", "/api/dnc", Kind.User, _ => "api/dnc", 400, () => Json(new { number = "not a number" })),
        new("DELETE", "/api/dnc/{id:long}", Kind.Admin, _ => "api/dnc/987654", 404),
        new("POST", "/api/dnc/import", Kind.Admin, _ => "api/dnc/import", 400, () => new MultipartFormDataContent()),
        new("GET", "/api/campaigns", Kind.User, _ => "api/campaigns", 200),
        new("POST", "/api/campaigns", Kind.User, _ => "api/campaigns", 400, EmptyForm),
        new("POST", "/api/campaigns/validate", Kind.User, _ => "api/campaigns/validate", 400, EmptyForm),
        new("GET", "/api/campaigns/{id:long}", Kind.OwnCampaign, f => $"api/campaigns/{f.CampaignId}", 200),
        new("PATCH", "/api/campaigns/{id:long}", Kind.OwnCampaign, f => $"api/campaigns/{f.CampaignId}", 400, () => Json(new { cap = 0 })),
        new("DELETE", "/api/campaigns/{id:long}", Kind.OwnCampaign, f => $"api/campaigns/{f.CampaignId}", 409),
        new("POST", "/api/campaigns/{id:long}/start", Kind.OwnCampaign, f => $"api/campaigns/{f.CampaignId}/start", 409),
        new("POST", "/api/campaigns/{id:long}/pause", Kind.OwnCampaign, f => $"api/campaigns/{f.CampaignId}/pause", 409),
        new("POST", "/api/campaigns/{id:long}/resume", Kind.OwnCampaign, f => $"api/campaigns/{f.CampaignId}/resume", 409),
        new("POST", "/api/campaigns/{id:long}/stop", Kind.OwnCampaign, f => $"api/campaigns/{f.CampaignId}/stop", 409),
        new("GET", "/api/campaigns/{id:long}/contacts", Kind.OwnCampaign, f => $"api/campaigns/{f.CampaignId}/contacts", 200),
        new("POST", "/api/campaigns/{id:long}/contacts", Kind.OwnCampaign, f => $"api/campaigns/{f.CampaignId}/contacts", 400, EmptyForm),
        new("POST", "/api/campaigns/{id:long}/duplicate", Kind.OwnCampaign, f => $"api/campaigns/{f.CampaignId}/duplicate", 400, () => Json(new { outcomes = new[] { "shoe" } })),
        new("GET", "/api/campaigns/{id:long}/preflight", Kind.OwnCampaign, f => $"api/campaigns/{f.CampaignId}/preflight", 200),
        new("GET", "/api/campaigns/{id:long}/calls", Kind.OwnCampaign, f => $"api/campaigns/{f.CampaignId}/calls", 200),
        new("GET", "/api/campaigns/{id:long}/calls/{callId:long}/events", Kind.OwnCampaign, f => $"api/campaigns/{f.CampaignId}/calls/{f.CallId}/events", 200),
        new("GET", "/api/campaigns/{id:long}/events", Kind.OwnCampaign, f => $"api/campaigns/{f.CampaignId}/events", 200),
        new("GET", "/api/campaigns/{id:long}/export.csv", Kind.OwnCampaign, f => $"api/campaigns/{f.CampaignId}/export.csv", 200),
        new("GET", "/api/analytics/overview", Kind.User, _ => "api/analytics/overview", 200),
        new("GET", "/api/analytics/campaigns/{id:long}", Kind.OwnCampaign, f => $"api/analytics/campaigns/{f.CampaignId}", 200),

        new("GET", "/api/assistants", Kind.User, _ => "api/assistants", 200),
        new("POST", "/api/assistants", Kind.Admin, _ => "api/assistants", 400, () => Json(new { name = "" })),
        new("POST", "/api/assistants/import", Kind.Admin, _ => "api/assistants/import", 400, () => Json(new { providerAssistantId = "" })),
        new("GET", "/api/assistants/{id:long}", Kind.User, f => $"api/assistants/{f.AssistantId}", 200),
        new("PATCH", "/api/assistants/{id:long}", Kind.Admin, f => $"api/assistants/{f.AssistantId}", 409, () => Json(new { name = "Renamed", version = 987654 })),
        new("DELETE", "/api/assistants/{id:long}", Kind.Admin, f => $"api/assistants/{f.AssistantId}?version=987654", 409),
        new("GET", "/api/assistants/{id:long}/drift", Kind.User, f => $"api/assistants/{f.AssistantId}/drift", 200),
        new("POST", "/api/assistants/{id:long}/refresh", Kind.Admin, f => $"api/assistants/{f.AssistantId}/refresh?version=987654", 409),
        new("POST", "/api/assistants/{id:long}/push", Kind.Admin, f => $"api/assistants/{f.AssistantId}/push?version=987654", 409),
        new("GET", "/api/assistant-templates", Kind.User, _ => "api/assistant-templates", 200),
        new("GET", "/api/assistant-templates/{id}", Kind.User, _ => "api/assistant-templates/survey", 200),
        new("GET", "/api/phone-lines", Kind.User, _ => "api/phone-lines", 200),
        new("POST", "/api/phone-lines", Kind.Admin, _ => "api/phone-lines", 200),
        new("PATCH", "/api/phone-lines/{id:long}", Kind.Admin, _ => "api/phone-lines/987654", 404, () => Json(new { dailyCap = 5 })),
        new("GET", "/api/phone-lines/{id:long}/health", Kind.User, f => $"api/phone-lines/{f.LineId}/health", 200),

        new("GET", "/api/webhook-endpoints", Kind.Admin, _ => "api/webhook-endpoints", 200),
        new("POST", "/api/webhook-endpoints", Kind.Admin, _ => "api/webhook-endpoints", 400, () => Json(new { url = "ftp://example.com", events = new[] { "call.ended" } })),
        new("GET", "/api/webhook-endpoints/{id:long}", Kind.Admin, _ => "api/webhook-endpoints/987654", 404),
        new("PATCH", "/api/webhook-endpoints/{id:long}", Kind.Admin, _ => "api/webhook-endpoints/987654", 404, () => Json(new { enabled = false })),
        new("DELETE", "/api/webhook-endpoints/{id:long}", Kind.Admin, _ => "api/webhook-endpoints/987654", 404),
        new("GET", "/api/webhook-endpoints/{id:long}/messages", Kind.Admin, _ => "api/webhook-endpoints/987654/messages", 404),
        new("GET", "/api/webhook-endpoints/{id:long}/deliveries", Kind.Admin, _ => "api/webhook-endpoints/987654/deliveries", 404),
        new("POST", "/api/webhook-endpoints/{id:long}/messages/{messageId:long}/redeliver", Kind.Admin, _ => "api/webhook-endpoints/987654/messages/1/redeliver", 404),
    ];

    private static readonly string[] Identities = ["anonymous", "operatorA", "sessionA", "operatorB", "admin", "supabaseA", "revoked", "badToken", "expiredSupabase"];

    private static int Expected(Case c, string who) => (c.Kind, who) switch
    {
        (Kind.Public, _) or (Kind.Machine, _) => c.Allowed,
        (_, "anonymous" or "revoked" or "badToken" or "expiredSupabase") => 401,
        (Kind.Admin, "admin") => c.Allowed,
        (Kind.Admin, _) => 403,
        (Kind.SessionOnly, "sessionA") => c.Allowed,
        (Kind.SessionOnly, _) => 403,
        (Kind.OwnCampaign, "operatorB") => 404,
        _ => c.Allowed,
    };

    public static IEnumerable<object[]> AllCases() => Cases.Select(c => new object[] { $"{c.Method} {c.Route}" });

    [Theory]
    [MemberData(nameof(AllCases))]
    public async Task EachIdentityGetsItsStatus(string endpoint)
    {
        var c = Cases.Single(x => $"{x.Method} {x.Route}" == endpoint);
        var failures = new List<string>();
        foreach (var who in Identities)
        {
            using var request = new HttpRequestMessage(new HttpMethod(c.Method), c.Path(f)) { Content = c.Body?.Invoke() };
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            // The event stream never ends: the status line and headers are the answer.
            using var resp = await f.As[who].SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            var expected = Expected(c, who);
            var actual = (int)resp.StatusCode;
            output.WriteLine($"{who,-16} {actual}");
            if (actual != expected)
            {
                var body = resp.Content.Headers.ContentType?.MediaType == "text/event-stream" ? "(stream)" : await resp.Content.ReadAsStringAsync(cts.Token);
                failures.Add($"{who}: expected {expected}, got {actual}: {body[..Math.Min(body.Length, 300)]}");
            }
            else if (actual is 401 or 403 or 404 && c.Kind is not Kind.Public)
            {
                // Refusals explain themselves as ProblemDetails, never an empty body or a sign-in page's HTML.
                Assert.Equal("application/problem+json", resp.Content.Headers.ContentType?.MediaType);
            }
        }
        Assert.True(failures.Count == 0, $"{endpoint}:\n" + string.Join("\n", failures));
    }

    [Fact]
    public void EveryApiEndpointIsInTheMatrix()
    {
        var covered = Cases.Select(c => $"{c.Method} {c.Route}").ToHashSet();
        var mapped = f.App.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["ANY"])
                .Select(m => $"{m} {e.RoutePattern.RawText!.TrimEnd('/')}"))
            .ToList();
        Assert.NotEmpty(mapped);
        var missing = mapped.Where(m => !covered.Contains(m)).ToList();
        Assert.True(missing.Count == 0, "Endpoints without a row in the auth matrix:\n" + string.Join("\n", missing));
    }
}
