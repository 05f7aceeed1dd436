using System.Net;
using System.Net.Sockets;

namespace AutoLynx.Features.Webhooks;

public static class WebhookServices
{
    /// <summary>Outbound webhooks: options, the outbox writer the owners of changes call, the admin service, the signed delivery worker.</summary>
    public static IServiceCollection AddOutboundWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration("Webhooks").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WebhookTargetGuard>();
        services.AddSingleton<WebhookSigner>();
        services.AddSingleton<WebhookDeliverySignal>();
        services.AddScoped<OutboxWriter>();
        services.AddScoped<WebhookEndpointService>();
        services.AddHttpClient(WebhookDeliveryWorker.ClientName)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var guard = sp.GetRequiredService<WebhookTargetGuard>();
                return new SocketsHttpHandler
                {
                    // A redirect could lead anywhere (a private address): a 3xx is a failed delivery.
                    AllowAutoRedirect = false, UseCookies = false, PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                    // The SSRF guard again at connect time: what the name resolves to now, not when the endpoint was saved.
                    ConnectCallback = async (ctx, ct) =>
                    {
                        var host = ctx.DnsEndPoint.Host;
                        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
                        foreach (var ip in addresses) guard.CheckConnect(ip, host);
                        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                        try
                        {
                            await socket.ConnectAsync(addresses, ctx.DnsEndPoint.Port, ct);
                            return new NetworkStream(socket, ownsSocket: true);
                        }
                        catch
                        {
                            socket.Dispose();
                            throw;
                        }
                    },
                };
            })
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan); // each attempt has its own timeout (Webhooks:RequestTimeout)
        services.AddSingleton<WebhookDeliveryWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDeliveryWorker>());
        return services;
    }
}
