namespace AutoLynx.Hosting;

/// <summary>
/// Where the Vapi client points. Fixed from configuration with a real account; in demo mode it is filled in
/// once the in-process simulator has picked its port.
/// </summary>
public sealed class VapiConnection
{
    public Uri BaseUrl { get; set; } = new("https://api.vapi.ai/");
    public string ApiKey { get; set; } = "";
    public bool Simulated { get; set; }

    /// <summary>Demo mode: the simulator's live time scale (a simulated second lasts this many real seconds); null with real Vapi.</summary>
    public Func<double>? SimulatorTimeScale { get; set; }

    /// <summary>Demo mode: how long a call of <paramref name="seconds"/> stands for once time is no longer compressed
    /// (duration ÷ time scale); null with real Vapi or an uncompressed simulator.</summary>
    public double? SimulatedSeconds(double seconds)
        => Simulated && SimulatorTimeScale?.Invoke() is > 0 and < 1 and var scale ? seconds / scale : null;

    /// <summary>This app's address as Vapi reaches it (no trailing slash): Vapi:PublicBaseUrl, or in demo mode the local
    /// address once the server listens. Null when unknown; assistants then rely on the Vapi org's server URL.</summary>
    public string? PublicBaseUrl { get; set; }
}
