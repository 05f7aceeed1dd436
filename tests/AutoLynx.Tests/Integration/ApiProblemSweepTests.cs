using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutoLynx.Tests.Infrastructure;
using AutoLynx.Wire;

namespace AutoLynx.Tests.Integration;

/// <summary>
/// Every operation the served API description lists, asked wrongly on purpose (no credentials, an operator where an
/// admin is needed, ids that do not exist or are not numbers, an empty or unreadable body, query values that mean
/// nothing): never a 5xx, and every refusal is a ProblemDetails with a title, a status the description lists for that
/// operation, and one of the documented stable codes. A new endpoint is swept the day it appears in the document.
/// </summary>
public sealed class ApiProblemSweepTests : IAsyncLifetime
{
    private AppHost _app = null!;
    private HttpClient _operator = null!;
    private static readonly HashSet<string> Codes = ProblemCodes.All.Select(c => c.Code).ToHashSet();

    public async Task InitializeAsync()
    {
        _app = AppHost.Start(Db.Sqlite);
        (_operator, _, _) = await _app.SignUpAsync("sweep-operator@example.com");
    }

    public async Task DisposeAsync()
    {
        _operator.Dispose();
        await _app.DisposeAsync();
    }

    private sealed record Operation(string Method, string Path, JsonObject Node)
    {
        public IReadOnlySet<string> Statuses => Node["responses"]!.AsObject().Select(r => r.Key).ToHashSet();
        public string? BodyType => Node["requestBody"]?["content"]?.AsObject().Select(c => c.Key).FirstOrDefault();
        public IEnumerable<string> QueryParameters => (Node["parameters"]?.AsArray() ?? [])
            .Where(p => (string?)p!["in"] == "query").Select(p => (string)p!["name"]!);
        public override string ToString() => $"{Method} {Path}";
    }

    private async Task<List<Operation>> OperationsAsync()
    {
        var doc = JsonNode.Parse(await _app.Http.GetStringAsync("openapi/v1.json"))!;
        var ops = (from path in doc["paths"]!.AsObject()
                   from op in path.Value!.AsObject()
                   where op.Key is "get" or "post" or "put" or "patch" or "delete"
                   select new Operation(op.Key.ToUpperInvariant(), path.Key, op.Value!.AsObject())).ToList();
        Assert.True(ops.Count > 50, $"only {ops.Count} operations in the document");
        return ops;
    }

    private static string Fill(string path, string id) => System.Text.RegularExpressions.Regex.Replace(path, @"\{[^}]+\}", id).TrimStart('/');

    private static HttpContent? Body(Operation op, string kind) => op.BodyType switch
    {
        null => null,
        "multipart/form-data" => kind == "empty" ? new MultipartFormDataContent() : new StringContent("--x\r\nnot multipart", Encoding.UTF8, "multipart/form-data"),
        _ => new StringContent(kind == "empty" ? "{}" : "{not json", Encoding.UTF8, "application/json"),
    };

    /// <summary>Sends the request; answers what is wrong with the answer, or null when it is a 2xx or a proper problem.</summary>
    private static async Task<string?> CheckAsync(HttpClient client, Operation op, string url, HttpContent? body, string? expectCode = null)
    {
        using var req = new HttpRequestMessage(new HttpMethod(op.Method), url) { Content = body };
        using var resp = await client.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
        var status = (int)resp.StatusCode;
        var what = $"{op} as {url} → {status}";
        if (status < 400) return expectCode is null ? null : $"{what}: expected a problem with code {expectCode}";
        if (status >= 500) return $"{what}: a server error: {await resp.Content.ReadAsStringAsync()}";
        if (!op.Statuses.Contains(status.ToString())) return $"{what}: not a status the description lists ({string.Join(",", op.Statuses)})";
        if (resp.Content.Headers.ContentType?.MediaType != "application/problem+json") return $"{what}: content type {resp.Content.Headers.ContentType}, not a ProblemDetails";
        var problem = JsonDocument.Parse(await resp.Content.ReadAsStringAsync()).RootElement;
        var code = problem.TryGetProperty("code", out var c) ? c.GetString() : null;
        if (code is null || !Codes.Contains(code)) return $"{what}: code '{code}' is not one of the documented codes";
        if (expectCode is not null && code != expectCode) return $"{what}: code {code}, expected {expectCode}";
        if (!problem.TryGetProperty("title", out var t) || string.IsNullOrWhiteSpace(t.GetString())) return $"{what}: no title saying what went wrong";
        if (problem.GetProperty("status").GetInt32() != status) return $"{what}: the problem's status differs from the response's";
        return null;
    }

    [Fact]
    public async Task EveryOperation_WithoutCredentials_401Problem()
    {
        using var anonymous = _app.Anonymous();
        var failures = new List<string>();
        foreach (var op in await OperationsAsync())
            if (await CheckAsync(anonymous, op, Fill(op.Path, "1"), Body(op, "empty"), ProblemCodes.Unauthorized) is { } f) failures.Add(f);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task EveryOperation_WrongIdsBodiesAndQueries_NeverA5xx_AlwaysADocumentedProblem()
    {
        var failures = new List<string>();
        foreach (var op in await OperationsAsync())
        {
            foreach (var id in new[] { "999999999", "0", "-1" })
                foreach (var kind in new[] { "empty", "garbled" })
                    if (await CheckAsync(_app.Http, op, Fill(op.Path, id), Body(op, kind)) is { } f) failures.Add(f);
            if (op.Path.Contains('{') && await CheckAsync(_app.Http, op, Fill(op.Path, "not-a-number"), Body(op, "empty")) is { } n) failures.Add(n);
            var query = string.Join("&", op.QueryParameters.Select(p => $"{p}=%00%27%22%3Cgarbage%3E"));
            if (query.Length > 0 && await CheckAsync(_app.Http, op, Fill(op.Path, "999999999") + "?" + query, Body(op, "empty")) is { } q) failures.Add(q);
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // Nothing the sweep sent may have broken what the app had: the sample campaign list still reads.
        Assert.Equal(200, (int)(await _app.Http.GetAsync("api/campaigns")).StatusCode);
    }

    [Fact]
    public async Task AdminOperations_AsAnOperator_403ForbiddenProblem()
    {
        var failures = new List<string>();
        var adminOnly = (await OperationsAsync()).Where(op => op.Statuses.Contains("403") && op.Path.StartsWith("/api/webhook-endpoints") || op.Path == "/api/allowlist").ToList();
        Assert.NotEmpty(adminOnly);
        foreach (var op in adminOnly)
            if (await CheckAsync(_operator, op, Fill(op.Path, "1"), Body(op, "empty"), ProblemCodes.Forbidden) is { } f) failures.Add(f);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
