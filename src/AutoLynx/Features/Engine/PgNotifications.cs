using System.Text.Json;
using AutoLynx.Data;
using AutoLynx.Features.Calls;
using Npgsql;

namespace AutoLynx.Features.Engine;

/// <summary>
/// On PostgreSQL, fans wake-ups and live events out to every instance with LISTEN/NOTIFY: a webhook stored by
/// one instance wakes the leader's inbox processor, a call that ended wakes the leader's dispatcher, and every
/// change reaches every instance's pages and SSE streams. On SQLite there is one instance and this does nothing.
/// </summary>
public sealed class PgNotifications(IConfiguration config, DatabaseInfo database, CampaignEventHub hub, DispatcherSignal dispatcher,
    WebhookInboxSignal inbox, EngineLease lease, ILogger<PgNotifications> logger) : BackgroundService
{
    public const string Channel = "autolynx";
    private NpgsqlDataSource? _source;

    public bool Enabled => database.Provider == DatabaseProvider.Postgres;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled) return;
        _source = NpgsqlDataSource.Create(config.GetConnectionString("Default")!);
        hub.Relay = Relay;
        dispatcher.Relay = () => Send(new Envelope(lease.InstanceId, "wake-dispatcher", null));
        inbox.Relay = () => Send(new Envelope(lease.InstanceId, "wake-inbox", null));
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
    }

    private void Relay(CampaignChange change) => Send(new Envelope(lease.InstanceId, "change", change));

    private void Send(Envelope envelope)
    {
        if (_source is null) return;
        var payload = JsonSerializer.Serialize(envelope, JsonSerializerOptions.Web);
        _ = Task.Run(async () =>
        {
            try
            {
                await using var cmd = _source.CreateCommand("SELECT pg_notify(@c, @p)");
                cmd.Parameters.AddWithValue("c", Channel);
                cmd.Parameters.AddWithValue("p", payload);
                await cmd.ExecuteNonQueryAsync();
            }
            catch (Exception ex)
            {
                logger.LogDebug(ex, "NOTIFY failed");
            }
        });
    }

    private void OnNotification(string payload)
    {
        Envelope? e;
        try { e = JsonSerializer.Deserialize<Envelope>(payload, JsonSerializerOptions.Web); }
        catch (JsonException) { return; }
        if (e is null || e.From == lease.InstanceId) return;
        switch (e.Kind)
        {
            case "change" when e.Change is not null: hub.PublishLocal(e.Change); break;
            case "wake-dispatcher": dispatcher.WakeLocal(); break;
            case "wake-inbox": inbox.WakeLocal(); break;
        }
    }

    public override void Dispose()
    {
        _source?.Dispose();
        base.Dispose();
    }

    private sealed record Envelope(string From, string Kind, CampaignChange? Change);
}
