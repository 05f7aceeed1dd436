using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;

namespace AutoLynx.Tests.Infrastructure;

/// <summary>
/// A real HTTP receiver on a loopback port (HttpListener) for outbound webhooks. It records every request it gets,
/// answers with whatever <see cref="Answer"/> says, and verifies each signature with the StandardWebhooks library
/// (independently of the app's signing code) once <see cref="Secret"/> is known.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    public Uri Url { get; }
    public string? Secret { get; set; }
    /// <summary>The status to answer the n-th request (1-based) with; 200 by default.</summary>
    public Func<int, int> Answer { get; set; } = _ => 200;
    public ConcurrentQueue<Received> Requests { get; } = new();
    private int _count;

    public sealed record Received(int N, string Id, string Timestamp, string Signature, string Body, int Answered, bool SignatureValid, string? VerifyError)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
        public string Type => Json.GetProperty("type").GetString()!;
    }

    public WebhookReceiver()
    {
        var port = FreePort();
        Url = new Uri($"http://127.0.0.1:{port}/hook/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The requests answered 2xx, each webhook-id once (first success), in the order they were accepted.</summary>
    public List<Received> Accepted()
        => Requests.Where(r => r.Answered is >= 200 and < 300).GroupBy(r => r.Id).Select(g => g.OrderBy(r => r.N).First()).OrderBy(r => r.N).ToList();

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            var n = Interlocked.Increment(ref _count);
            using var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var headers = new HeaderDictionary();
            foreach (var key in ctx.Request.Headers.AllKeys) headers[key!] = ctx.Request.Headers[key];
            bool valid = false;
            string? error = null;
            if (Secret is not null)
            {
                try
                {
                    new StandardWebhook(Secret).Verify(body, headers);
                    valid = true;
                }
                catch (Exception ex) { error = ex.Message; }
            }
            var status = Answer(n);
            Requests.Enqueue(new Received(n, headers["webhook-id"].ToString(), headers["webhook-timestamp"].ToString(), headers["webhook-signature"].ToString(),
                body, status, valid, error));
            ctx.Response.StatusCode = status;
            ctx.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try { await _loop; } catch (Exception) { }
    }
}
