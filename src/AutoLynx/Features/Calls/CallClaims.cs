using System.Data.Common;
using System.Text;
using AutoLynx.Data;
using AutoLynx.Features.Contacts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace AutoLynx.Features.Calls;

/// <summary>The contact fields a launch needs, read in the claim transaction.</summary>
public sealed record DueContact(long Id, int Attempts, string Name, string BusinessName, string Phone, string? ExtraJson, string? Extension = null);

/// <summary>
/// The write half of a claim, inside the caller's (fenced) transaction: the contacts → DIALING and one LAUNCHING call row
/// each, as two plain SQL statements on the transaction's connection (the same on SQLite and PostgreSQL). EF Core's
/// change tracker did the same in ~3 ms warm and ~70 ms the first time (building its update pipeline), which the first
/// campaign after a deploy paid between Start and its first POST /call. Names come from the EF model, as in
/// <c>ContactBulkWriter</c>.
/// </summary>
public static class CallClaims
{
    public sealed record Claimed(long CallId, string LaunchKey, DueContact Contact);

    public static async Task<List<Claimed>> WriteAsync(AppDbContext db, long campaignId, long phoneLineId, IReadOnlyList<DueContact> contacts,
        DateTime now, CancellationToken ct)
    {
        if (contacts.Count == 0) return [];
        var names = Names.For(db);
        var conn = db.Database.GetDbConnection();
        var tx = db.Database.CurrentTransaction?.GetDbTransaction()
                 ?? throw new InvalidOperationException("A claim is written inside the dispatcher's transaction.");

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
            update.CommandText =
                $"UPDATE {names.Contacts} SET {names.ContactState} = '{nameof(ContactState.Dialing)}', {names.ContactAttempts} = {names.ContactAttempts} + 1, " +
                $"{names.ContactNextAttemptAt} = NULL, {names.ContactUpdatedAt} = @now " +
                $"WHERE {names.ContactId} IN ({ids}) AND {names.ContactState} = '{nameof(ContactState.Pending)}'";
            var n = await update.ExecuteNonQueryAsync(ct);
            // Only the leader claims, one claim at a time: the rows read a moment ago in this transaction are still pending.
            if (n != contacts.Count) throw new InvalidOperationException($"Claim of {contacts.Count} contacts changed {n}; rolled back.");
        }

        var keys = contacts.Select(_ => Guid.NewGuid().ToString("N")).ToList();
        var byKey = new Dictionary<string, long>(contacts.Count);
        await using (var insert = conn.CreateCommand())
        {
            insert.Transaction = tx;
            var rows = new StringBuilder();
            Add(insert, "campaign", campaignId);
            Add(insert, "line", phoneLineId);
            Add(insert, "now", now);
            for (var i = 0; i < contacts.Count; i++)
            {
                rows.Append(i == 0 ? "" : ", ").Append($"(@campaign, @contact{i}, @attempt{i}, @line, @key{i}, '{nameof(CallStatus.Launching)}', @now, @now)");
                Add(insert, "contact" + i, contacts[i].Id);
                Add(insert, "attempt" + i, contacts[i].Attempts + 1);
                Add(insert, "key" + i, keys[i]);
            }
            insert.CommandText =
                $"INSERT INTO {names.Calls} ({names.CallCampaignId}, {names.CallContactId}, {names.CallAttemptNumber}, {names.CallPhoneLineId}, " +
                $"{names.CallLaunchKey}, {names.CallStatus}, {names.CallCreatedAt}, {names.CallLastEventAt}) VALUES {rows} " +
                $"RETURNING {names.CallId}, {names.CallLaunchKey}";
            await using var reader = await insert.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) byKey[reader.GetString(1)] = reader.GetInt64(0);
        }
        if (byKey.Count != contacts.Count) throw new InvalidOperationException($"Claim inserted {byKey.Count} of {contacts.Count} call rows; rolled back.");
        return contacts.Select((c, i) => new Claimed(byKey[keys[i]], keys[i], c)).ToList();
    }

    private static void Add(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }

    private sealed record Names(string Contacts, string ContactId, string ContactState, string ContactAttempts, string ContactNextAttemptAt, string ContactUpdatedAt,
        string Calls, string CallId, string CallCampaignId, string CallContactId, string CallAttemptNumber, string CallPhoneLineId, string CallLaunchKey,
        string CallStatus, string CallCreatedAt, string CallLastEventAt)
    {
        private static Names? _cached;

        public static Names For(AppDbContext db) => _cached ??= Build(db);

        private static Names Build(AppDbContext db)
        {
            var contact = db.Model.FindEntityType(typeof(Contact))!;
            var call = db.Model.FindEntityType(typeof(Call))!;
            string C(string p) => Quote(contact.FindProperty(p)!.GetColumnName());
            string K(string p) => Quote(call.FindProperty(p)!.GetColumnName());
            return new Names(Quote(contact.GetTableName()!), C(nameof(Contact.Id)), C(nameof(Contact.State)), C(nameof(Contact.Attempts)),
                C(nameof(Contact.NextAttemptAt)), C(nameof(Contact.UpdatedAt)),
                Quote(call.GetTableName()!), K(nameof(Call.Id)), K(nameof(Call.CampaignId)), K(nameof(Call.ContactId)), K(nameof(Call.AttemptNumber)),
                K(nameof(Call.PhoneLineId)), K(nameof(Call.LaunchKey)), K(nameof(Call.Status)), K(nameof(Call.CreatedAt)), K(nameof(Call.LastEventAt)));
        }

        private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
    }
}
