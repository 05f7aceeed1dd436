using System.Data.Common;
using System.Text;
using AutoLynx.Data;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Campaigns;
using AutoLynx.Features.Contacts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace AutoLynx.Features.Engine;

/// <summary>
/// The SQL of a claim, for <see cref="EngineTransitions.ClaimAsync"/> only, inside its (fenced) transaction: the
/// contacts → DIALING (only those still in an allowed state, and only while the campaign is dialable: a Pause or Stop
/// committed a moment ago wins), then one LAUNCHING call row for each contact actually moved. Two plain SQL statements
/// on the transaction's connection, the same on SQLite and PostgreSQL: EF Core's change tracker did the same in ~3 ms
/// warm and ~70 ms the first time. Names come from the EF model, as in <c>ContactBulkWriter</c>.
/// </summary>
public static class CallClaims
{
    public sealed record Claimed(long CallId, string LaunchKey, DueContact Contact);

    public static async Task<List<Claimed>> WriteAsync(AppDbContext db, long campaignId, long phoneLineId, IReadOnlyList<DueContact> contacts,
        ContactState[] claimable, CampaignStatus[] dialable, DateTime now, CancellationToken ct)
    {
        if (contacts.Count == 0) return [];
        var names = Names.For(db);
        var conn = db.Database.GetDbConnection();
        var tx = db.Database.CurrentTransaction?.GetDbTransaction()
                 ?? throw new InvalidOperationException("A claim is written inside the dispatcher's transaction.");

        var moved = new HashSet<long>();
        await using (var update = conn.CreateCommand())
        {
            update.Transaction = tx;
            var ids = new StringBuilder();
            for (var i = 0; i < contacts.Count; i++)
            {
                ids.Append(i == 0 ? "" : ", ").Append("@id").Append(i);
                Add(update, "id" + i, contacts[i].Id);
            }
            Add(update, "now", now);
            Add(update, "campaign", campaignId);
            var from = string.Join(", ", claimable.Select(s => $"'{s}'"));
            var statuses = string.Join(", ", dialable.Select(s => $"'{s}'"));
            update.CommandText =
                $"UPDATE {names.Contacts} SET {names.ContactState} = '{nameof(ContactState.Dialing)}', {names.ContactAttempts} = {names.ContactAttempts} + 1, " +
                $"{names.ContactNextAttemptAt} = NULL, {names.ContactReason} = NULL, {names.ContactUpdatedAt} = @now " +
                $"WHERE {names.ContactId} IN ({ids}) AND {names.ContactState} IN ({from}) " +
                $"AND EXISTS (SELECT 1 FROM {names.Campaigns} WHERE {names.CampaignId} = @campaign AND {names.CampaignStatus} IN ({statuses})) " +
                $"RETURNING {names.ContactId}";
            await using var reader = await update.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) moved.Add(reader.GetInt64(0));
        }
        var claimed = contacts.Where(c => moved.Contains(c.Id)).ToList();
        if (claimed.Count == 0) return [];

        var keys = claimed.Select(_ => Guid.NewGuid().ToString("N")).ToList();
        var byKey = new Dictionary<string, long>(claimed.Count);
        await using (var insert = conn.CreateCommand())
        {
            insert.Transaction = tx;
            var rows = new StringBuilder();
            Add(insert, "campaign", campaignId);
            Add(insert, "line", phoneLineId);
            Add(insert, "now", now);
            for (var i = 0; i < claimed.Count; i++)
            {
                rows.Append(i == 0 ? "" : ", ").Append($"(@campaign, @contact{i}, @attempt{i}, @line, @key{i}, '{nameof(CallStatus.Launching)}', @now, @now, 0, FALSE)");
                Add(insert, "contact" + i, claimed[i].Id);
                Add(insert, "attempt" + i, claimed[i].Attempts + 1);
                Add(insert, "key" + i, keys[i]);
            }
            insert.CommandText =
                $"INSERT INTO {names.Calls} ({names.CallCampaignId}, {names.CallContactId}, {names.CallAttemptNumber}, {names.CallPhoneLineId}, " +
                $"{names.CallLaunchKey}, {names.CallStatus}, {names.CallCreatedAt}, {names.CallLastEventAt}, {names.CallLookupFailures}, {names.CallProviderCreated}) " +
                $"VALUES {rows} RETURNING {names.CallId}, {names.CallLaunchKey}";
            await using var reader = await insert.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) byKey[reader.GetString(1)] = reader.GetInt64(0);
        }
        if (byKey.Count != claimed.Count) throw new InvalidOperationException($"Claim inserted {byKey.Count} of {claimed.Count} call rows; rolled back.");
        return claimed.Select((c, i) => new Claimed(byKey[keys[i]], keys[i], c)).ToList();
    }

    private static void Add(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }

    private sealed record Names(string Contacts, string ContactId, string ContactState, string ContactAttempts, string ContactNextAttemptAt, string ContactReason,
        string ContactUpdatedAt, string Campaigns, string CampaignId, string CampaignStatus,
        string Calls, string CallId, string CallCampaignId, string CallContactId, string CallAttemptNumber, string CallPhoneLineId, string CallLaunchKey,
        string CallStatus, string CallCreatedAt, string CallLastEventAt, string CallLookupFailures, string CallProviderCreated)
    {
        private static Names? _cached;

        public static Names For(AppDbContext db) => _cached ??= Build(db);

        private static Names Build(AppDbContext db)
        {
            var contact = db.Model.FindEntityType(typeof(Contact))!;
            var campaign = db.Model.FindEntityType(typeof(Campaign))!;
            var call = db.Model.FindEntityType(typeof(Call))!;
            string C(string p) => Quote(contact.FindProperty(p)!.GetColumnName());
            string P(string p) => Quote(campaign.FindProperty(p)!.GetColumnName());
            string K(string p) => Quote(call.FindProperty(p)!.GetColumnName());
            return new Names(Quote(contact.GetTableName()!), C(nameof(Contact.Id)), C(nameof(Contact.State)), C(nameof(Contact.Attempts)),
                C(nameof(Contact.NextAttemptAt)), C(nameof(Contact.Reason)), C(nameof(Contact.UpdatedAt)),
                Quote(campaign.GetTableName()!), P(nameof(Campaign.Id)), P(nameof(Campaign.Status)),
                Quote(call.GetTableName()!), K(nameof(Call.Id)), K(nameof(Call.CampaignId)), K(nameof(Call.ContactId)), K(nameof(Call.AttemptNumber)),
                K(nameof(Call.PhoneLineId)), K(nameof(Call.LaunchKey)), K(nameof(Call.Status)), K(nameof(Call.CreatedAt)), K(nameof(Call.LastEventAt)),
                K(nameof(Call.LookupFailures)), K(nameof(Call.ProviderCreated)));
        }

        private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
    }
}
