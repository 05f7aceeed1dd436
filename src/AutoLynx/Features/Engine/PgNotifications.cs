using System.Text.Json;
using AutoLynx.Data;
using AutoLynx.Features.Calls;
using Npgsql;

namespace AutoLynx.Features.Engine;

/// <summary>
/// On PostgreSQL, fans wake-ups and live events out to every instance with LISTEN/NOTIFY: a webhook stored by
/// one instance wakes the leader's inbox processor, a call that ended wakes the leader's dispatcher, and every
/// change reaches every instance's pages and SSE streams. On SQLite there is one instance and this does nothing.
/// One sender sends them in order, as many as have queued up packed into each NOTIFY (a JSON array of at most
/// <see cref="MaxPayloadBytes"/>), with repeated wake-ups dropped: at 2,000 webhooks a second a NOTIFY per change
/// (each its own round trip, connection and commit on the server) had become a load of its own.
/// </summary>
public sealed class PgNotifications(IConfiguration config, DatabaseInfo database, CampaignEventHub hub, DispatcherSignal dispatcher,
    WebhookInboxSignal inbox, EngineLease lease, ILogger<PgNotifications> logger) : BackgroundService
{
    public const string Channel = "autolynx";
    /// <summary>PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more; this leaves room.</summary>
    public const int MaxPayloadBytes = 7000;
    private NpgsqlDataSource? _source;
    private readonly System.Threading.Channels.Channel<Envelope> _outbox =
        System.Threading.Channels.Channel.CreateUnbounded<Envelope>(new() { SingleReader = true });

    public bool Enabled => database.Provider == DatabaseProvider.Postgres;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled) return;
        _source = NpgsqlDataSource.Create(config.GetConnectionString("Default")!);
        hub.Relay = Relay;
        dispatcher.Relay = () => Send(new Envelope(lease.InstanceId, "wake-dispatcher", null));
        inbox.Relay = () => Send(new Envelope(lease.InstanceId, "wake-inbox", null));
        var sender = Task.Run(() => SendLoopAsync(stoppingToken), CancellationToken.None);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var conn = await _source.OpenConnectionAsync(stoppingToken);
                conn.Notification += (_, e) => OnNotification(e.Payload);
                await using (var cmd = new NpgsqlCommand($"LISTEN {Channel}", conn)) await cmd.ExecuteNonQueryAsync(stoppingToken);
                while (!stoppingToken.IsCancellationRequested) await conn.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "LISTEN connection lost; reconnecting");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
        await sender;
    }

    private void Relay(CampaignChange change) => Send(new Envelope(lease.InstanceId, "change", change));

    private void Send(Envelope envelope)
    {
        if (_source is null) return;
        _outbox.Writer.TryWrite(envelope);
    }

    /// <summary>Sends until shutdown; anything unexpected is logged and the loop starts again, so wake-ups never silently stop.</summary>
    private async Task SendLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await SendQueuedAsync(ct);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                logger.LogError(ex, "The NOTIFY sender failed; starting it again");
                try { await Task.Delay(TimeSpan.FromSeconds(1), ct); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    private async Task SendQueuedAsync(CancellationToken ct)
    {
        var queued = new List<Envelope>();
        try
        {
            while (await _outbox.Reader.WaitToReadAsync(ct))
            {
                queued.Clear();
                while (queued.Count < 1000 && _outbox.Reader.TryRead(out var e)) queued.Add(e);
                foreach (var payload in Pack(queued))
                {
                    try
                    {
                        await using var cmd = _source!.CreateCommand("SELECT pg_notify(@c, @p)");
                        cmd.Parameters.AddWithValue("c", Channel);
                        cmd.Parameters.AddWithValue("p", payload);
                        await cmd.ExecuteNonQueryAsync(ct);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // Lost wake-ups and live updates are made good by the engine's periodic passes and the pages' refresh.
                        logger.LogWarning(ex, "NOTIFY to the other instances failed ({Bytes} bytes dropped)", payload.Length);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    /// <summary>
    /// The envelopes in order as JSON arrays of at most <see cref="MaxPayloadBytes"/> bytes each (one that is larger on its
    /// own is sent alone), a wake-up already in the same array left out.
    /// </summary>
    public static List<string> Pack(IEnumerable<Envelope> envelopes)
    {
        var payloads = new List<string>();
        var current = new List<string>();
        var bytes = 2;
        var wakes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in envelopes)
        {
            if (e.Change is null && !wakes.Add(e.Kind)) continue;
            var json = JsonSerializer.Serialize(e, JsonSerializerOptions.Web);
            var size = System.Text.Encoding.UTF8.GetByteCount(json) + 1;
            if (current.Count > 0 && bytes + size > MaxPayloadBytes)
            {
                payloads.Add("[" + string.Join(",", current) + "]");
                current.Clear();
                bytes = 2;
                wakes.Clear();
                if (e.Change is null) wakes.Add(e.Kind);
            }
            current.Add(json);
            bytes += size;
        }
        if (current.Count > 0) payloads.Add("[" + string.Join(",", current) + "]");
        return payloads;
    }

    /// <summary>The envelopes of one payload (an array; a single object from an instance of an earlier version).</summary>
    public static List<Envelope> Unpack(string payload)
    {
        try
        {
            if (payload.StartsWith('['))
                return JsonSerializer.Deserialize<List<Envelope?>>(payload, JsonSerializerOptions.Web)?.OfType<Envelope>().ToList() ?? [];
            return JsonSerializer.Deserialize<Envelope>(payload, JsonSerializerOptions.Web) is { } one ? [one] : [];
        }
        catch (JsonException) { return []; }
    }

    private void OnNotification(string payload)
    {
        foreach (var e in Unpack(payload))
        {
            if (e.From == lease.InstanceId) continue;
            switch (e.Kind)
            {
                case "change" when e.Change is not null: hub.PublishLocal(e.Change); break;
                case "wake-dispatcher": dispatcher.WakeLocal(); break;
                case "wake-inbox": inbox.WakeLocal(); break;
            }
        }
    }

    public override void Dispose()
    {
        _source?.Dispose();
        base.Dispose();
    }

    /// <summary>One notification: who sent it, what kind (change, wake-dispatcher, wake-inbox), the change if any.</summary>
    public sealed record Envelope(string From, string Kind, CampaignChange? Change);
}
