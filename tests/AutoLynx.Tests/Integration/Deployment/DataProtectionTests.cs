using System.Net;
using System.Net.Http.Json;
using AutoLynx.Tests.Infrastructure;
using AutoLynx.Tests.Integration.Webhooks;
using AutoLynx.VapiSimulator;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit.Abstractions;

namespace AutoLynx.Tests.Integration.Deployment;

/// <summary>
/// The Data Protection key ring (sign-in cookies, antiforgery tokens, outbound webhook secrets) lives in the database:
/// a restart on a machine with an empty $HOME, or a second instance on the same PostgreSQL, reads what the first wrote.
/// Each instance runs as its own process with its own empty $HOME, as separate machines or containers would.
/// </summary>
public sealed class DataProtectionTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task KeyRing_SecretProtected_KeyStoredInDatabase(Db db)
    {
        await using var receiver = new WebhookReceiver();
        await using var app = AppHost.Start(db, OutboundWebhookTests.FastRetries);
        await OutboundWebhookTests.RegisterAsync(app.Http, receiver);

        var keys = await app.WithDbAsync(d => d.DataProtectionKeys.AsNoTracking().ToListAsync());
        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.Contains("<key ", k.Xml));
    }

    [Fact]
    public async Task Restart_FreshHome_SignInCookieAndWebhookSecretStillWork()
    {
        await using var sim = await VapiSimulatorHost.StartAsync(new SimulatorOptions { WebhookSecret = "restart-secret" });
        var dbFile = Path.Combine(Path.GetTempPath(), $"autolynx-dp-{Guid.NewGuid():N}.db");
        var cs = $"Data Source={dbFile}";
        await using var receiver = new WebhookReceiver();
        HttpClient? session = null;
        try
        {
            int port;
            await using (var first = await AppInstance.StartAsync(sim, "Sqlite", cs, output))
            {
                port = first.BaseUrl.Port;
                session = await first.SignInAsync("operator@example.com");
                await AssertSignedInAsync(session, first.BaseUrl);
                await OutboundWebhookTests.RegisterAsync(first.Api, receiver, "contact.dnc_added");
            } // killed: the next start is a new process with a new, empty $HOME

            await using var second = await AppInstance.StartAsync(sim, "Sqlite", cs, output, port);
            await AddDncAsync(second.Api, "+14155550123");
            var hook = await AppHost.WaitUntilAsync(() => Task.FromResult(receiver.Requests.ToList()), r => r.Count > 0, what: "contact.dnc_added delivery");
            Assert.True(hook[0].SignatureValid, hook[0].VerifyError);
            await AssertSignedInAsync(session, second.BaseUrl);
            Assert.Empty(second.KeyFilesInHome());
        }
        finally
        {
            session?.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in new[] { dbFile, dbFile + "-wal", dbFile + "-shm" }) try { File.Delete(f); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task TwoInstances_OnePostgres_AcceptEachOthersCookiesAndSecrets()
    {
        await using var sim = await VapiSimulatorHost.StartAsync(new SimulatorOptions { WebhookSecret = "shared-secret" });
        var database = $"autolynx_dp_{Guid.NewGuid():N}"[..40];
        var cs = new NpgsqlConnectionStringBuilder(AppHost.PostgresServer) { Database = database }.ToString();
        await using var toA = new WebhookReceiver();
        await using var toB = new WebhookReceiver();
        try
        {
            await using var a = await AppInstance.StartAsync(sim, "Postgres", cs, output);
            await using var b = await AppInstance.StartAsync(sim, "Postgres", cs, output);

            // A session begun on one instance is good on the other, both ways (a balancer sends requests to either).
            using (var onA = await a.SignInAsync("on-a@example.com"))
                await AssertSignedInAsync(onA, b.BaseUrl);
            using (var onB = await b.SignInAsync("on-b@example.com"))
                await AssertSignedInAsync(onB, a.BaseUrl);

            // Each instance encrypts one endpoint's secret; the leader, whichever it is, decrypts both to sign.
            await OutboundWebhookTests.RegisterAsync(a.Api, toA, "contact.dnc_added");
            await OutboundWebhookTests.RegisterAsync(b.Api, toB, "contact.dnc_added");
            await AddDncAsync(a.Api, "+14155550124");
            foreach (var receiver in new[] { toA, toB })
            {
                var hook = await AppHost.WaitUntilAsync(() => Task.FromResult(receiver.Requests.ToList()), r => r.Count > 0, what: "contact.dnc_added delivery");
                Assert.True(hook[0].SignatureValid, hook[0].VerifyError);
            }
        }
        finally
        {
            await AppHost.DropPostgresDatabaseAsync(database);
        }
    }

    /// <summary>The session cookie authenticates at <paramref name="instance"/>: the API answers 200, not 401.</summary>
    private static async Task AssertSignedInAsync(HttpClient session, Uri instance)
    {
        using var resp = await session.GetAsync(new Uri(instance, "api/campaigns"));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
    }

    private static async Task AddDncAsync(HttpClient admin, string number)
    {
        using var resp = await admin.PostAsJsonAsync("api/dnc", new { number, reason = "asked" });
        Assert.True(resp.IsSuccessStatusCode, await resp.Content.ReadAsStringAsync());
    }
}
