using System.Data.Common;
using System.Text.Json;
using AutoLynx.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace AutoLynx.Features.Contacts;

/// <summary>
/// Stores imported contacts through the provider's own connection, inside the caller's open transaction (so a failed
/// import leaves nothing): PostgreSQL binary COPY, SQLite one prepared multi-row INSERT reused for every chunk.
/// EF's change tracker cost about 10× more per row and is not needed for rows nobody reads back here.
/// Table and column names come from the EF model, so they follow the schema. The extension and phone-source columns are
/// written only for chunks where a contact has one (most lists have neither): each bound parameter costs, per row.
/// </summary>
public abstract class ContactBulkWriter : IAsyncDisposable
{
    private readonly long _campaignId;
    private readonly int _cap;
    private int _position;
    protected readonly DateTime Now;
    protected readonly string Table;
    /// <summary>Every column written (the time zone is worked out from the number); <see cref="NarrowCount"/> of them when no contact of a chunk has an extension or phone source.</summary>
    protected readonly string[] Columns;
    protected const int NarrowCount = 11;

    private protected ContactBulkWriter(AppDbContext db, long campaignId, int cap, DateTime now)
    {
        _campaignId = campaignId;
        _cap = cap;
        Now = now;
        var entity = db.Model.FindEntityType(typeof(Contact))!;
        Table = Quote(entity.GetTableName()!);
        Columns = new[]
        {
            nameof(Contact.CampaignId), nameof(Contact.RowNumber), nameof(Contact.Name), nameof(Contact.BusinessName), nameof(Contact.Phone),
            nameof(Contact.ExtraJson), nameof(Contact.BatchIndex), nameof(Contact.State), nameof(Contact.Attempts), nameof(Contact.UpdatedAt),
            nameof(Contact.TimeZone), nameof(Contact.Extension), nameof(Contact.PhoneSource),
        }.Select(p => Quote(entity.FindProperty(p)!.GetColumnName())).ToArray();
    }

    /// <summary>The writer for the context's provider. The context must have a transaction open. Contacts added to a
    /// campaign that has some start at <paramref name="startPosition"/> (their batch follows the last one).</summary>
    public static ContactBulkWriter Create(AppDbContext db, long campaignId, int cap, DateTime now, int startPosition = 0)
    {
        var tx = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Contacts are written inside the campaign's transaction.");
        return tx switch
        {
            NpgsqlTransaction pg => new PostgresWriter(db, pg, campaignId, cap, now) { Position = startPosition },
            SqliteTransaction lite => new SqliteWriter(db, lite, campaignId, cap, now) { Position = startPosition },
            _ => throw new NotSupportedException($"No bulk writer for {tx.GetType().Name}."),
        };
    }

    public abstract Task WriteAsync(IReadOnlyList<ImportedContact> batch, CancellationToken ct);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    protected long CampaignId => _campaignId;

    private int Position { init => _position = value; }

    /// <summary>Strict batch mode: batch N holds the contacts at positions N·cap … N·cap + cap − 1.</summary>
    protected int NextBatchIndex() => _position++ / _cap;

    protected static string? ExtraJson(ImportedContact c) => c.Extra is null ? null : JsonSerializer.Serialize(c.Extra);

    protected static string? PhoneSource(ImportedContact c)
        => c.PhoneColumn is { Length: > ImportMapping.MaxColumnName } column ? column[..ImportMapping.MaxColumnName] : c.PhoneColumn;

    /// <summary>Column values in the order of <see cref="Columns"/> (the first <see cref="NarrowCount"/> unless <paramref name="wide"/>).</summary>
    protected object?[] Values(ImportedContact c, bool wide) => wide
        ? [_campaignId, c.Row, c.Name, c.BusinessName, c.Phone, ExtraJson(c), NextBatchIndex(), nameof(ContactState.Pending), 0, Now, PhoneTimeZones.Primary(c.Phone), c.Extension, PhoneSource(c)]
        : [_campaignId, c.Row, c.Name, c.BusinessName, c.Phone, ExtraJson(c), NextBatchIndex(), nameof(ContactState.Pending), 0, Now, PhoneTimeZones.Primary(c.Phone)];

    /// <summary>True when a contact in <paramref name="batch"/>[start, start + count) has an extension or a phone source to store.</summary>
    protected static bool NeedsWide(IReadOnlyList<ImportedContact> batch, int start, int count)
    {
        for (var i = start; i < start + count; i++)
            if (batch[i].Extension is not null || batch[i].PhoneColumn is not null) return true;
        return false;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    private sealed class PostgresWriter(AppDbContext db, NpgsqlTransaction tx, long campaignId, int cap, DateTime now)
        : ContactBulkWriter(db, campaignId, cap, now)
    {
        public override async Task WriteAsync(IReadOnlyList<ImportedContact> batch, CancellationToken ct)
        {
            var wide = NeedsWide(batch, 0, batch.Count);
            var sql = $"COPY {Table} ({string.Join(", ", wide ? Columns : Columns[..NarrowCount])}) FROM STDIN (FORMAT BINARY)";
            await using var copy = await tx.Connection!.BeginBinaryImportAsync(sql, ct);
            foreach (var c in batch)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(CampaignId, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(c.Row, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(c.Name, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(c.BusinessName, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(c.Phone, NpgsqlDbType.Varchar, ct);
                if (ExtraJson(c) is { } json) await copy.WriteAsync(json, NpgsqlDbType.Text, ct);
                else await copy.WriteNullAsync(ct);
                await copy.WriteAsync(NextBatchIndex(), NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(nameof(ContactState.Pending), NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(0, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(Now, NpgsqlDbType.TimestampTz, ct);
                if (PhoneTimeZones.Primary(c.Phone) is { } zone) await copy.WriteAsync(zone, NpgsqlDbType.Varchar, ct);
                else await copy.WriteNullAsync(ct);
                if (!wide) continue;
                if (c.Extension is { } extension) await copy.WriteAsync(extension, NpgsqlDbType.Varchar, ct);
                else await copy.WriteNullAsync(ct);
                if (PhoneSource(c) is { } source) await copy.WriteAsync(source, NpgsqlDbType.Varchar, ct);
                else await copy.WriteNullAsync(ct);
            }
            await copy.CompleteAsync(ct);
        }
    }

    private sealed class SqliteWriter : ContactBulkWriter
    {
        /// <summary>
        /// Rows per INSERT. Small on purpose: Microsoft.Data.Sqlite binds each parameter by name, and SQLite finds a name by
        /// scanning the statement's list, so binding costs grow with the square of the parameters (200 rows: 3× slower
        /// than 10). Ten rows already make the per-statement overhead negligible.
        /// </summary>
        private const int RowsPerStatement = 10;
        private readonly SqliteTransaction _tx;
        private SqliteCommand? _full, _fullWide;
        private SqliteCommand? _single, _singleWide;

        public SqliteWriter(AppDbContext db, SqliteTransaction tx, long campaignId, int cap, DateTime now) : base(db, campaignId, cap, now)
            => _tx = tx;

        public override async Task WriteAsync(IReadOnlyList<ImportedContact> batch, CancellationToken ct)
        {
            var i = 0;
            for (; i + RowsPerStatement <= batch.Count; i += RowsPerStatement)
            {
                var wide = NeedsWide(batch, i, RowsPerStatement);
                var cmd = wide ? _fullWide ??= Prepare(RowsPerStatement, true) : _full ??= Prepare(RowsPerStatement, false);
                for (var r = 0; r < RowsPerStatement; r++) Bind(cmd, r, batch[i + r], wide);
                await cmd.ExecuteNonQueryAsync(ct);
            }
            for (; i < batch.Count; i++)
            {
                var wide = NeedsWide(batch, i, 1);
                var cmd = wide ? _singleWide ??= Prepare(1, true) : _single ??= Prepare(1, false);
                Bind(cmd, 0, batch[i], wide);
                await cmd.ExecuteNonQueryAsync(ct);
            }
        }

        private void Bind(SqliteCommand cmd, int row, ImportedContact c, bool wide)
        {
            var values = Values(c, wide);
            for (var k = 0; k < values.Length; k++) cmd.Parameters[row * values.Length + k].Value = values[k] ?? DBNull.Value;
        }

        private SqliteCommand Prepare(int rows, bool wide)
        {
            var columns = wide ? Columns : Columns[..NarrowCount];
            var cmd = _tx.Connection!.CreateCommand();
            cmd.Transaction = _tx;
            var tuples = new List<string>(rows);
            for (var r = 0; r < rows; r++)
            {
                var names = new string[columns.Length];
                for (var k = 0; k < columns.Length; k++)
                {
                    names[k] = $"$p{r}_{k}";
                    cmd.Parameters.Add(new SqliteParameter(names[k], DBNull.Value));
                }
                tuples.Add("(" + string.Join(",", names) + ")");
            }
            cmd.CommandText = $"INSERT INTO {Table} ({string.Join(", ", columns)}) VALUES {string.Join(",", tuples)}";
            cmd.Prepare();
            return cmd;
        }

        public override async ValueTask DisposeAsync()
        {
            foreach (var cmd in new[] { _full, _fullWide, _single, _singleWide })
                if (cmd is not null) await cmd.DisposeAsync();
        }
    }
}
