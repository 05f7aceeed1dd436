using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AutoLynx.FaultBench;

/// <summary>
/// The one server URL Vapi knows, in front of both instances, as a load balancer would be: requests go round-robin;
/// one that cannot connect (the instance is down) goes to the other, as a balancer's passive health check does. A
/// request cut mid-way (the instance was killed while answering) is not retried: the simulator sees the failure, and
/// Vapi retries no webhook, so that one is lost on the wire and the app must recover it.
/// </summary>
public sealed class WebhookBalancer : IAsyncDisposable
{
    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Expect",
    };

    private readonly WebApplication _app;
    private readonly Uri[] _targets;
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        UseProxy = false, MaxConnectionsPerServer = 512, ConnectTimeout = TimeSpan.FromSeconds(2), PooledConnectionLifetime = TimeSpan.FromSeconds(30),
    }) { Timeout = TimeSpan.FromSeconds(20) };
    private int _next;
    private long _forwarded, _failedOver, _failed;

    public Uri Url { get; }
    public long Forwarded => Interlocked.Read(ref _forwarded);
    /// <summary>Requests that could not connect to their first choice and went to the other instance.</summary>
    public long FailedOver => Interlocked.Read(ref _failedOver);
    /// <summary>Answered 502: neither instance took it, or the one that did was cut off mid-request.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    private WebhookBalancer(WebApplication app, Uri[] targets, Uri url)
    {
        _app = app;
        _targets = targets;
        Url = url;
    }

    public static async Task<WebhookBalancer> StartAsync(Uri[] targets)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = 64L * 1024 * 1024;
        });
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        WebhookBalancer? self = null;
        app.UseRouting();
        app.Map("/{**path}", (HttpContext ctx) => self!.ForwardAsync(ctx));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new WebhookBalancer(app, targets, new Uri(address.TrimEnd('/') + "/"));
        return self;
    }

    private async Task ForwardAsync(HttpContext ctx)
    {
        using var body = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(body, ctx.RequestAborted);
        var bytes = body.ToArray();
        var first = (int)((uint)Interlocked.Increment(ref _next) % _targets.Length);
        for (var attempt = 0; attempt < _targets.Length; attempt++)
        {
            var target = _targets[(first + attempt) % _targets.Length];
            using var request = new HttpRequestMessage(new HttpMethod(ctx.Request.Method),
                new Uri(target, ctx.Request.Path.Value!.TrimStart('/') + ctx.Request.QueryString)) { Content = new ByteArrayContent(bytes) };
            foreach (var (key, values) in ctx.Request.Headers)
            {
                if (HopHeaders.Contains(key)) continue;
                if (!request.Headers.TryAddWithoutValidation(key, (IEnumerable<string?>)values)) request.Content.Headers.TryAddWithoutValidation(key, (IEnumerable<string?>)values);
            }
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, ctx.RequestAborted);
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError)
            {
                Interlocked.Increment(ref _failedOver);
                continue; // nothing was sent: safe to try the other instance
            }
            catch (Exception) when (!ctx.RequestAborted.IsCancellationRequested)
            {
                Interlocked.Increment(ref _failed);
                ctx.Response.StatusCode = 502;
                return;
            }
            using (response)
            {
                Interlocked.Increment(ref _forwarded);
                ctx.Response.StatusCode = (int)response.StatusCode;
                await response.Content.CopyToAsync(ctx.Response.Body, ctx.RequestAborted);
            }
            return;
        }
        Interlocked.Increment(ref _failed);
        ctx.Response.StatusCode = 502;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _http.Dispose();
    }
}
