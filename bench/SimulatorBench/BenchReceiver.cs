using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AutoLynx.SimulatorBench;

/// <summary>A minimal server URL: answers every webhook 200 {} at once and counts it, with its delivery latency
/// (receive time − message.timestamp) and the second of the run it arrived in. It reads only the first few
/// properties of the message, so its own cost stays small next to the simulator's.</summary>
internal sealed class BenchReceiver : IAsyncDisposable
{
    private const int MaxSamples = 4_000_000;
    private static readonly byte[] EmptyJson = "{}"u8.ToArray();

    private readonly WebApplication _app;
    private readonly float[] _latencyMs = new float[MaxSamples];
    private readonly int[] _second = new int[MaxSamples];
    private readonly long[] _perSecond = new long[36_000];
    private long _start = Stopwatch.GetTimestamp();
    private int _samples;
    private long _received;
    private long _unreadable;

    private BenchReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    /// <summary>Called for every status-update with status "ended" (the driver re-dials on it).</summary>
    public Action? OnCallEnded { get; set; }

    public long Received => Interlocked.Read(ref _received);

    public long Unreadable => Interlocked.Read(ref _unreadable);

    public static async Task<BenchReceiver> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxConcurrentConnections = null;
        });
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        var receiver = new BenchReceiver(app);
        app.UseRouting();
        app.MapPost("/hook", receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(address + "/hook");
        return receiver;
    }

    /// <summary>Starts a new measurement: counters, samples and the clock of per-second buckets.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _samples, 0);
        Interlocked.Exchange(ref _received, 0);
        Interlocked.Exchange(ref _unreadable, 0);
        Array.Clear(_perSecond);
        _start = Stopwatch.GetTimestamp();
    }

    public int SecondNow => (int)Stopwatch.GetElapsedTime(_start).TotalSeconds;

    /// <summary>Webhooks received in each whole second [from, to).</summary>
    public long[] PerSecond(int from, int to) => _perSecond[from..to].Select(c => Interlocked.Read(ref c)).ToArray();

    /// <summary>Latencies (ms) of webhooks that arrived in seconds [from, to), sorted.</summary>
    public float[] Latencies(int from, int to)
    {
        var count = Math.Min(Volatile.Read(ref _samples), MaxSamples);
        var list = new List<float>(count);
        for (var i = 0; i < count; i++)
        {
            if (_second[i] >= from && _second[i] < to)
            {
                list.Add(_latencyMs[i]);
            }
        }

        list.Sort();
        return [.. list];
    }

    private async Task HandleAsync(HttpContext http)
    {
        var reader = http.Request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync();
            if (read.IsCompleted)
            {
                Record(read.Buffer);
                reader.AdvanceTo(read.Buffer.End);
                break;
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }

        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = EmptyJson.Length;
        await http.Response.Body.WriteAsync(EmptyJson);
    }

    private void Record(ReadOnlySequence<byte> body)
    {
        var receivedAtMs = (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;
        var second = SecondNow;
        Interlocked.Increment(ref _received);
        if (second < _perSecond.Length)
        {
            Interlocked.Increment(ref _perSecond[second]);
        }

        if (!TryReadHead(body, out var isStatusUpdate, out var status, out var timestamp))
        {
            Interlocked.Increment(ref _unreadable);
            return;
        }

        var index = Interlocked.Increment(ref _samples) - 1;
        if (index < MaxSamples)
        {
            _latencyMs[index] = (float)(receivedAtMs - timestamp);
            _second[index] = second;
        }

        if (isStatusUpdate && status == "ended")
        {
            OnCallEnded?.Invoke();
        }
    }

    /// <summary>Reads message.type, message.status and message.timestamp, which the simulator writes before the
    /// large call/assistant objects, and stops there.</summary>
    private static bool TryReadHead(ReadOnlySequence<byte> body, out bool isStatusUpdate, out string? status, out double timestamp)
    {
        isStatusUpdate = false;
        status = null;
        timestamp = 0;
        string? type = null;
        var reader = new Utf8JsonReader(body);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 2)
                {
                    continue;
                }

                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    type = reader.GetString();
                    isStatusUpdate = type == "status-update";
                }
                else if (reader.ValueTextEquals("status"u8))
                {
                    reader.Read();
                    status = reader.GetString();
                }
                else if (reader.ValueTextEquals("timestamp"u8))
                {
                    reader.Read();
                    timestamp = reader.GetDouble();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }

                if (type is not null && timestamp > 0 && (!isStatusUpdate || status is not null))
                {
                    return true;
                }
            }
        }
        catch (JsonException)
        {
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
