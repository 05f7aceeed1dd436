using AutoLynx.Hosting;

namespace AutoLynx.Tests.Unit;

/// <summary>The probe's default target: the port Kestrel was told to listen on, asked on the loopback address.</summary>
public sealed class HealthProbeUrlTests
{
    [Theory]
    [InlineData(null, null, "http://127.0.0.1:8080/readyz")]
    [InlineData(null, "5005", "http://127.0.0.1:5005/readyz")]
    [InlineData(null, "5005;5006", "http://127.0.0.1:5005/readyz")]
    [InlineData("http://+:9000", "5005", "http://127.0.0.1:9000/readyz")]
    [InlineData("http://0.0.0.0:9001/", null, "http://127.0.0.1:9001/readyz")]
    [InlineData("http://[::]:9002", null, "http://127.0.0.1:9002/readyz")]
    [InlineData("https://example.com:9443;http://localhost:9003", null, "http://127.0.0.1:9003/readyz")]
    [InlineData("https://*:9443", null, "https://127.0.0.1:9443/readyz")]
    public void DefaultUrl_FromKestrelSettings_LoopbackReadyz(string? urls, string? httpPorts, string expected)
    {
        var env = new Dictionary<string, string?> { ["ASPNETCORE_URLS"] = urls, ["ASPNETCORE_HTTP_PORTS"] = httpPorts };
        Assert.Equal(expected, HealthProbe.DefaultUrl(k => env.GetValueOrDefault(k)));
    }
}
