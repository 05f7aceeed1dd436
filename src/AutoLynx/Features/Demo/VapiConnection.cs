namespace AutoLynx.Features.Demo;

/// <summary>
/// Where the Vapi client points. Fixed from configuration with a real account; in demo mode it is filled in
/// once the in-process simulator has picked its port.
/// </summary>
public sealed class VapiConnection
{
    public Uri BaseUrl { get; set; } = new("https://api.vapi.ai/");
    public string ApiKey { get; set; } = "";
    public bool Simulated { get; set; }
}
