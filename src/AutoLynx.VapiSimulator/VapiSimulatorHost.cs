using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AutoLynx.VapiSimulator;

/// <summary>The simulator running in-process on its own Kestrel (used by the app's demo mode and by tests).</summary>
public sealed class VapiSimulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CallStore _store;

    private VapiSimulatorHost(WebApplication app, Uri baseUrl, SimulatorOptions options)
    {
        _app = app;
        BaseUrl = baseUrl;
        Options = options;
        _store = app.Services.GetRequiredService<CallStore>();
        var identity = app.Services.GetRequiredService<SimulatorIdentity>();
        OrgId = identity.OrgId;
        PhoneNumbers = identity.PhoneNumbers;
    }

    /// <summary>The actual address, e.g. http://127.0.0.1:43817 (no trailing slash).</summary>
    public Uri BaseUrl { get; }

    /// <summary>Live options: changing WebhookUrl, TimeScale, Faults… affects later calls and webhooks.</summary>
    public SimulatorOptions Options { get; }

    public string OrgId { get; }

    public IReadOnlyList<SimPhoneNumber> PhoneNumbers { get; }

    public static Task<VapiSimulatorHost> StartAsync(SimulatorOptions options, CancellationToken ct = default) =>
        StartAsync(options, TimeProvider.System, ct);

    public static async Task<VapiSimulatorHost> StartAsync(SimulatorOptions options, TimeProvider timeProvider, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var url = new Uri(string.IsNullOrWhiteSpace(options.Url) ? "http://127.0.0.1:0" : options.Url);

        // An empty builder: no appsettings, environment variables or logging of the hosting app leak in.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(ToEndPoint(url)));
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(timeProvider);
        builder.Services.AddVapiSimulator(options);

        var app = builder.Build();
        app.UseRouting();
        app.MapVapiSimulator();
        await app.StartAsync(ct);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var baseUrl = new Uri(address.Replace("[::]", "localhost", StringComparison.Ordinal));
        options.Url = baseUrl.ToString().TrimEnd('/'); // what GET /_sim/config shows: the port actually taken
        return new VapiSimulatorHost(app, baseUrl, options);
    }

    public SimulatorStats GetStats() => _store.Stats();

    public async ValueTask DisposeAsync()
    {
        _store.CancelAll();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static IPEndPoint ToEndPoint(Uri url)
    {
        if (url.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException($"Simulator:Url must be an http URL, got '{url}'.", nameof(url));
        }

        var address = url.Host switch
        {
            "localhost" => IPAddress.Loopback,
            "*" or "+" or "0.0.0.0" => IPAddress.Any,
            var host => IPAddress.Parse(host.Trim('[', ']')),
        };
        return new IPEndPoint(address, url.Port);
    }
}
