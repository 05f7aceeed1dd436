using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutoLynx.Tests.Infrastructure;

namespace AutoLynx.Tests.Integration;

/// <summary>
/// The API description the app serves at /openapi/v1.json is the one checked in at docs/openapi.json (clients are
/// generated from it, tests/AutoLynx.ClientTests among them), and it describes what the API really takes and answers.
/// To refresh the checked-in copy after an API change: <c>scripts/refresh-openapi.sh</c>.
/// </summary>
public sealed class OpenApiDocumentTests(ImportHostFixture fixture) : IClassFixture<ImportHostFixture>
{
    private readonly AppHost _app = fixture.App;

    /// <summary>Set (to 1) by scripts/refresh-openapi.sh: the test writes the served document instead of comparing.</summary>
    private const string UpdateVariable = "AUTOLYNX_UPDATE_OPENAPI";

    public static string CheckedInPath
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AutoLynx.slnx"))) dir = dir.Parent;
            return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("AutoLynx.slnx not found above the test's folder"), "docs", "openapi.json");
        }
    }

    private async Task<string> ServedAsync()
    {
        using var resp = await _app.Http.GetAsync("openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        return await resp.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task ServedDocument_EqualsCheckedInCopy()
    {
        var served = Normalize(await ServedAsync());
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            await File.WriteAllTextAsync(CheckedInPath, served);
            return;
        }
        Assert.True(File.Exists(CheckedInPath), $"{CheckedInPath} is missing: run scripts/refresh-openapi.sh");
        var checkedIn = Normalize(await File.ReadAllTextAsync(CheckedInPath));
        if (served == checkedIn) return;
        var (s, c) = (served.Split('\n'), checkedIn.Split('\n'));
        var line = Enumerable.Range(0, Math.Min(s.Length, c.Length)).FirstOrDefault(i => s[i] != c[i], Math.Min(s.Length, c.Length));
        Assert.Fail($"docs/openapi.json differs from the served /openapi/v1.json from line {line + 1}:\n  checked in: {At(c, line)}\n  served:     {At(s, line)}\n"
            + "Run scripts/refresh-openapi.sh and commit docs/openapi.json if the API change is meant.");
    }

    /// <summary>A new endpoint cannot slip in undescribed: a summary, a typed success, and the problems it can answer.</summary>
    [Fact]
    public async Task EveryOperation_HasSummarySuccessSchemaAndProblems()
    {
        var doc = JsonNode.Parse(await ServedAsync())!;
        var failures = new List<string>();
        foreach (var (path, ops) in doc["paths"]!.AsObject())
        foreach (var (method, op) in ops!.AsObject())
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            if (string.IsNullOrWhiteSpace(op!["summary"]?.GetValue<string>())) failures.Add($"{name}: no summary");
            var responses = op["responses"]!.AsObject();
            var success = responses.Where(r => r.Key.StartsWith('2')).ToList();
            if (success.Count == 0) failures.Add($"{name}: no 2xx response");
            foreach (var (status, response) in success)
                if (status != "204" && response!["content"] is not JsonObject { Count: > 0 } content)
                    failures.Add($"{name}: {status} without a content type and schema");
            if (!responses.ContainsKey("401")) failures.Add($"{name}: 401 not described");
            foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5'))
                if (response!["content"]?["application/problem+json"]?["schema"] is null)
                    failures.Add($"{name}: {status} is not a ProblemDetails");
        }
        foreach (var upload in new[] { "/api/campaigns", "/api/campaigns/validate", "/api/campaigns/{id}/contacts", "/api/dnc/import" })
            if (doc["paths"]![upload]!["post"]!["requestBody"]?["content"]?["multipart/form-data"]?["schema"]?["properties"]?["file"]?["format"]?.GetValue<string>() != "binary")
                failures.Add($"POST {upload}: the multipart field file is not described");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Every JSON body is a named schema with its fields; raw-JSON fields say their shape; a field the JSON may leave
    /// out is not required (a generated client must not insist on it); every reference resolves.</summary>
    [Fact]
    public async Task RequestBodies_AreTypedAndReferencesResolve()
    {
        var doc = JsonNode.Parse(await ServedAsync())!;
        var schemas = doc["components"]!["schemas"]!.AsObject();
        var failures = new List<string>();
        static string? RefOf(JsonNode? schema) => (schema?["$ref"] ?? schema?["oneOf"]?.AsArray().Select(o => o?["$ref"]).FirstOrDefault(r => r is not null))
            ?.GetValue<string>().Split('/')[^1];
        foreach (var (path, ops) in doc["paths"]!.AsObject())
        foreach (var (method, op) in ops!.AsObject())
        {
            if (op!["requestBody"]?["content"]?["application/json"] is not { } json) continue;
            var name = $"{method.ToUpperInvariant()} {path}";
            if (RefOf(json["schema"]) is not { } id || schemas[id] is not { } body) { failures.Add($"{name}: the body is not a named schema"); continue; }
            if (body["properties"] is not JsonObject { Count: > 0 } properties) { failures.Add($"{name}: {id} has no properties"); continue; }
            foreach (var (field, schema) in properties)
                if (schema is JsonObject { Count: 0 }) failures.Add($"{name}: {id}.{field} is described as any JSON");
            foreach (var required in body["required"]?.AsArray().Select(r => r!.GetValue<string>()) ?? [])
                if (properties[required]!.ToJsonString().Contains("\"null\"")) failures.Add($"{name}: {id}.{required} may be null yet is required");
        }
        // A policy read as raw JSON (so that the handler can answer field by field) is described as CampaignPolicy's fields.
        var policy = schemas["UpdateCampaignRequest"]!["properties"]!["policy"]!["oneOf"]!.AsArray().Single(o => o!["type"]?.ToString() != "null")!;
        var policyFields = (policy["$ref"] is { } r ? schemas[r.GetValue<string>().Split('/')[^1]]! : policy)["properties"]!.AsObject();
        Assert.Contains("callingWindow", policyFields.Select(f => f.Key));
        Assert.Contains("retry", policyFields.Select(f => f.Key));

        var text = doc.ToJsonString();
        var references = System.Text.RegularExpressions.Regex.Matches(text, "\"\\$ref\":\"#/components/schemas/([^\"]+)\"");
        Assert.True(references.Count > 50, $"only {references.Count} schema references found");
        foreach (System.Text.RegularExpressions.Match m in references)
            if (schemas[m.Groups[1].Value] is null) failures.Add($"$ref to a missing schema {m.Groups[1].Value}");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Distinct()));
    }

    [Fact]
    public async Task Enums_AreStringsWithTheirWireValues()
    {
        var schemas = JsonNode.Parse(await ServedAsync())!["components"]!["schemas"]!.AsObject();
        Assert.Equal(["CREATED", "QUEUED", "DIALING", "RUNNING", "PAUSED", "STOPPED", "COMPLETED"],
            schemas["CampaignStatus"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Contains("no-answer", schemas["CallOutcome"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        foreach (var (name, schema) in schemas.Where(s => s.Value!["enum"] is not null))
        {
            Assert.True(schema!["type"]?.GetValue<string>() == "string", $"{name} is not a string enum");
            Assert.All(schema["enum"]!.AsArray(), v => Assert.Equal(JsonValueKind.String, v?.GetValueKind()));
        }
    }

    /// <summary>Each problem carries a stable code, and every code is one the document lists.</summary>
    [Fact]
    public async Task Problems_CarryADocumentedCode()
    {
        var doc = JsonNode.Parse(await ServedAsync())!;
        var listed = doc["components"]!["schemas"]!["ProblemDetails"]!["properties"]!["code"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()).ToHashSet();
        async Task<string> CodeOf(HttpResponseMessage resp, int status)
        {
            var body = await resp.Content.ReadAsStringAsync();
            Assert.True((int)resp.StatusCode == status, $"expected {status}, got {(int)resp.StatusCode}: {body}");
            var code = JsonNode.Parse(body)!["code"]?.GetValue<string>();
            Assert.True(code is not null && listed.Contains(code), $"code {code ?? "(none)"} is not among the documented ones: {body}");
            resp.Dispose();
            return code!;
        }
        Assert.Equal("not-found", await CodeOf(await _app.Http.GetAsync("api/campaigns/987654"), 404));
        Assert.Equal("invalid", await CodeOf(await _app.Http.GetAsync("api/campaigns?status=sleeping"), 400));
        Assert.Equal("unsupported-media-type", await CodeOf(await _app.Http.PostAsync("api/campaigns", new StringContent("{}", System.Text.Encoding.UTF8, "application/json")), 415));
        using var anonymous = _app.Anonymous();
        Assert.Equal("unauthorized", await CodeOf(await anonymous.GetAsync("api/me"), 401));
        Assert.Equal("import-rejected", await CodeOf(await _app.Http.PostAsync("api/campaigns/validate",
            AppHost.Multipart("name,city\nAnn,Oslo\n")), 400));

        // A field error as a ProblemHttpResult (ApiProblems.Invalid) is written like ValidationProblem: with its errors.
        var id = await _app.CreateCampaignAsync(AppHost.SampleCsv(1, firstNumber: 8100), name: "Problem codes");
        using var patch = await _app.Http.PatchAsync($"api/campaigns/{id}", System.Net.Http.Json.JsonContent.Create(new { cap = 0 }));
        var body = JsonNode.Parse(await patch.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.BadRequest, patch.StatusCode);
        Assert.Equal("invalid", body["code"]?.GetValue<string>());
        Assert.NotEmpty(body["errors"]!["cap"]!.AsArray());
    }

    private static string At(string[] lines, int i) => i < lines.Length ? lines[i].Trim() : "(end of file)";

    /// <summary>Indented with \n line ends, so the comparison (and a diff of the checked-in file) does not depend on the platform.</summary>
    private static string Normalize(string json)
        => JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })
            .ReplaceLineEndings("\n") + "\n";
}
