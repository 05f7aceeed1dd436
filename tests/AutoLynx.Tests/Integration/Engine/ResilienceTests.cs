using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutoLynx.Features.Assistants;
using AutoLynx.Features.Engine;
using AutoLynx.Tests.Infrastructure;
using AutoLynx.VapiSimulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AutoLynx.Tests.Integration.Engine;

/// <summary>
/// Issue 11, defects 4 and 10 (lease clock): one exception must not stop the app, a webhook always gets an answer,
/// and who leads is decided on the database's clock, not on each instance's own.
/// </summary>
public sealed class ResilienceTests
{
    [Fact]
    public async Task DatabaseOutageMidCampaign_EveryLoopSurvives_WebhooksAnswered_CampaignCompletes()
    {
        await using var app = AppHost.Start(Db.Postgres, new Dictionary<string, string?>
        {
            ["Simulator:TimeScale"] = "0.01",
            ["Dialer:StuckAfter"] = "00:00:02",
        });
        const int contacts = 30;
        var id = await app.CreateCampaignAsync(AppHost.SampleCsv(contacts), cap: 5);
        await app.Http.PostAsync($"api/campaigns/{id}/start", null);
        await AppHost.WaitUntilAsync(async () => (await app.SimStatsAsync()).GetProperty("totalCalls").GetInt32(), n => n >= 8);

        var database = await app.WithDbAsync(d => Task.FromResult(new NpgsqlConnectionStringBuilder(d.Database.GetConnectionString()).Database!));
        await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(AppHost.PostgresServer) { Database = "postgres" }.ToString()))
        {
            await admin.OpenAsync();
            await Exec(admin, $"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false");
            await Exec(admin, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'");
            NpgsqlConnection.ClearAllPools();

            // While the database is gone, a webhook is answered (503: not stored, so not acknowledged), never left hanging.
            using var post = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/vapi")
            {
                Content = JsonContent.Create(new JsonObject { ["message"] = new JsonObject { ["type"] = "status-update", ["status"] = "ringing", ["call"] = new JsonObject { ["id"] = "x" } } }),
            };
            post.Headers.Add("X-Vapi-Secret", app.WebhookSecret);
            using var answer = await app.Anonymous().SendAsync(post).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(503, (int)answer.StatusCode);
            await Task.Delay(TimeSpan.FromSeconds(4)); // every loop meets the outage: lease, dispatcher, intake, processor, reconciler

            await Exec(admin, $"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS true");
        }

        await app.WaitForStatusAsync(id, "COMPLETED", TimeSpan.FromMinutes(3));
        using (var health = await app.Anonymous().GetAsync("healthz")) Assert.Equal(200, (int)health.StatusCode);
        await app.AssertEachNumberRangOnceAsync(contacts);
    }

    [Fact]
    public async Task InstanceWithAClockMinuteAhead_DoesNotTakeTheLeaseFromAHealthyLeader()
    {
        const string secret = "clock-secret";
        await using var sim = await VapiSimulatorHost.StartAsync(new SimulatorOptions { TimeScale = 0.01, Seed = 4, WebhookSecret = secret });
        var database = $"autolynx_clock_{Guid.NewGuid():N}"[..40];
        await using var a = AppHost.StartAgainst(sim.BaseUrl, sim.Options.ApiKey, secret, database, ownsDatabase: true);
        var leaseA = a.Service<EngineLease>();
        await AppHost.WaitUntilAsync(() => Task.FromResult(leaseA.IsLeader), l => l);

        await using var b = AppHost.StartAgainst(sim.BaseUrl, sim.Options.ApiKey, secret, database, ownsDatabase: false,
            services: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(new SkewedTime(TimeSpan.FromMinutes(1)))));
        var leaseB = b.Service<EngineLease>();
        // Several renewals of both: B's clock says A's lease ran out long ago, the database's says it did not.
        await Task.Delay(TimeSpan.FromSeconds(8));
        Assert.True(leaseA.IsLeader);
        Assert.False(leaseB.IsLeader);
        Assert.Equal(leaseA.InstanceId, await a.WithDbAsync(d => d.Leases.Where(l => l.Name == EngineLease.Name).Select(l => l.Owner).FirstAsync()));
    }

    private static async Task Exec(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private sealed class SkewedTime(TimeSpan skew) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + skew;
    }
}
