using AutoLynx.Tests.Infrastructure;

namespace AutoLynx.Tests.Integration.Deployment;

/// <summary>
/// `dotnet AutoLynx.dll probe [url]` as the container's HEALTHCHECK runs it: the built app as a process, against a live
/// app, a receiver answering 503, a port nobody listens on, and a bad URL. It starts no web host (so no database is needed).
/// </summary>
public sealed class HealthProbeTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(1);

    /// <summary>Settings the app would refuse to start with: the probe must not care, it starts no host.</summary>
    private static readonly Dictionary<string, string> Unstartable = new() { ["Database__Provider"] = "Postgres", ["ConnectionStrings__Default"] = "" };

    [Fact]
    public async Task Probe_ReadyApp_ExitsZero()
    {
        await using var app = AppHost.Start(Db.Sqlite);
        var (code, output, error) = await AppProcess.RunToExitAsync(Unstartable, Limit, "probe", new Uri(app.BaseUrl, "readyz").ToString());
        Assert.True(code == 0, $"exit {code}: {output} {error}");
        Assert.Contains("answered 200", output);
    }

    [Fact]
    public async Task Probe_NoUrl_AsksTheConfiguredHttpPortOnLoopback()
    {
        var port = CrashRecoveryTests.FreePort();
        await using var app = AppHost.Start(Db.Sqlite, new Dictionary<string, string?> { ["urls"] = $"http://127.0.0.1:{port}" });
        var env = new Dictionary<string, string>(Unstartable) { ["ASPNETCORE_URLS"] = "", ["ASPNETCORE_HTTP_PORTS"] = port.ToString() };
        var (code, output, error) = await AppProcess.RunToExitAsync(env, Limit, "probe");
        Assert.True(code == 0, $"exit {code}: {output} {error}");
        Assert.Contains($"http://127.0.0.1:{port}/readyz answered 200", output);
    }

    [Fact]
    public async Task Probe_NotReady_ExitsOne()
    {
        await using var receiver = new WebhookReceiver { Answer = _ => 503 };
        var (code, _, error) = await AppProcess.RunToExitAsync(Unstartable, Limit, "probe", receiver.Url.ToString());
        Assert.Equal(1, code);
        Assert.Contains("answered 503", error);
    }

    [Fact]
    public async Task Probe_NobodyListening_ExitsOne()
    {
        var url = $"http://127.0.0.1:{CrashRecoveryTests.FreePort()}/readyz";
        var (code, _, error) = await AppProcess.RunToExitAsync(Unstartable, Limit, "probe", url);
        Assert.Equal(1, code);
        Assert.Contains("did not answer", error);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://127.0.0.1/readyz")]
    public async Task Probe_BadUrl_ExitsTwoWithUsage(string url)
    {
        var (code, _, error) = await AppProcess.RunToExitAsync(Unstartable, Limit, "probe", url);
        Assert.Equal(2, code);
        Assert.Contains("Usage: AutoLynx probe", error);
    }
}
