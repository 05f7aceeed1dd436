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

    private static string At(string[] lines, int i) => i < lines.Length ? lines[i].Trim() : "(end of file)";

    /// <summary>Indented with \n line ends, so the comparison (and a diff of the checked-in file) does not depend on the platform.</summary>
    private static string Normalize(string json)
        => JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })
            .ReplaceLineEndings("\n") + "\n";
}
