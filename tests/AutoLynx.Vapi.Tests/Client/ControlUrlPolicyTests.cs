namespace AutoLynx.Vapi.Tests.Client;

/// <summary>Which control URLs may receive the API key: Vapi's hosts over https, or the configured API's own origin.</summary>
public sealed class ControlUrlPolicyTests
{
    [Theory]
    [InlineData("https://phone-call-websocket.aws-us-west-2-backend-production2.vapi.ai/019b7a31/control", "https://api.vapi.ai/", true)]
    [InlineData("https://vapi.ai/x/control", "https://api.vapi.ai/", true)]
    [InlineData("https://API.VAPI.AI/call/1/control", "https://api.vapi.ai/", true)]
    [InlineData("http://127.0.0.1:5090/call/1/control", "http://127.0.0.1:5090/", true)]     // the simulator, as configured
    [InlineData("http://phone-call-websocket.vapi.ai/x/control", "https://api.vapi.ai/", false)] // Vapi's host, but not https
    [InlineData("https://x.vapi.ai:8443/x/control", "https://api.vapi.ai/", false)]            // not the default port
    [InlineData("https://vapi.ai.attacker.example/x/control", "https://api.vapi.ai/", false)]
    [InlineData("https://evilvapi.ai/x/control", "https://api.vapi.ai/", false)]
    [InlineData("https://attacker.example/x/control", "https://api.vapi.ai/", false)]
    [InlineData("https://user:pass@x.vapi.ai/x/control", "https://api.vapi.ai/", false)]
    [InlineData("http://127.0.0.1:6666/call/1/control", "http://127.0.0.1:5090/", false)]     // the simulator's host, another port
    [InlineData("https://127.0.0.1:5090/call/1/control", "http://127.0.0.1:5090/", false)]    // another scheme
    [InlineData("http://localhost:5090/call/1/control", "http://127.0.0.1:5090/", false)]
    public void IsTrusted_ByHostSchemeAndPort(string controlUrl, string apiBase, bool trusted)
        => Assert.Equal(trusted, ControlUrlPolicy.IsTrusted(new Uri(controlUrl), new Uri(apiBase)));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not a url")]
    [InlineData("/call/1/control")]
    [InlineData("https://attacker.example/x")]
    public void TrustedOrNull_UntrustedOrUnreadable_Null(string? controlUrl)
        => Assert.Null(ControlUrlPolicy.TrustedOrNull(controlUrl, new Uri("https://api.vapi.ai/")));

    [Fact]
    public void TrustedOrNull_VapiHost_Kept()
        => Assert.Equal("https://a.vapi.ai/c/control", ControlUrlPolicy.TrustedOrNull("https://a.vapi.ai/c/control", new Uri("https://api.vapi.ai/")));
}
