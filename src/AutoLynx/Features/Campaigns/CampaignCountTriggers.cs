namespace AutoLynx.Features.Campaigns;

/// <summary>
/// The triggers that keep <see cref="CampaignCount"/> exact, per provider, installed by the migration that adds the table.
/// Every insert, update and delete of a contact or a call, whoever makes it (the engine's transitions, Stop, an import's
/// COPY, add contacts, duplicate, delete, a bulk load, a person with psql), changes the counts in the same transaction,
/// so they cannot drift from a fresh GROUP BY. The engine still owns the transitions; the database only keeps score.
/// SQLite (one writer at a time) updates the key's row in place. PostgreSQL appends one row per statement and key with
/// the net change (statement-level triggers over the transition tables: a 100,000-row COPY adds one row), so concurrent
/// writers never lock a shared counter row and cannot deadlock on one; <see cref="CampaignCountCompactor"/> folds them.
/// A delete whose campaign is already gone (the cascade of a campaign's delete) notes nothing; the campaign's own
/// delete removes its rows.
/// </summary>
public static class CampaignCountTriggers
{
    private const string Columns = "campaign_id, subject, state, outcome, accepted, n, cost_micros";

    /// <summary>Vapi accepted the call: it has a provider id and was not refused at once for the account's limit.</summary>
    private static string Accepted(string row) => $"({row}.provider_call_id IS NOT NULL AND coalesce({row}.outcome, '') <> 'ConcurrencyLimited')";

    public static class Sqlite
    {
        private static string Micros(string row) => $"coalesce(CAST(round({row}.cost * 1000000) AS INTEGER), 0)";

        private const string Upsert = "ON CONFLICT (campaign_id, subject, state, outcome, accepted) DO UPDATE SET n = n + excluded.n, cost_micros = cost_micros + excluded.cost_micros";

        private static string Contact(string row, int sign, string where)
            => $"INSERT INTO campaign_counts ({Columns}) SELECT {row}.campaign_id, 'contact', {row}.state, coalesce({row}.last_outcome, ''), 0, {sign}, 0 WHERE {where} {Upsert};";

        private static string Call(string row, int sign, string where)
            => $"INSERT INTO campaign_counts ({Columns}) SELECT {row}.campaign_id, 'call', {row}.status, coalesce({row}.outcome, ''), {Accepted(row)}, {sign}, {sign} * {Micros(row)} WHERE {where} {Upsert};";

        private const string CampaignExists = "EXISTS (SELECT 1 FROM campaigns WHERE id = OLD.campaign_id)";

        /// <summary>Insert, update (only when a counted column changed) and delete triggers of one table.</summary>
        private static string Triggers(string table, string watched, string changed, Func<string, int, string, string> note) => $"""
            CREATE TRIGGER campaign_counts_{table}_insert AFTER INSERT ON {table} BEGIN
                {note("NEW", 1, "true")}
            END;
            CREATE TRIGGER campaign_counts_{table}_update AFTER UPDATE OF {watched} ON {table} WHEN {changed} BEGIN
                {note("OLD", -1, "true")}
                {note("NEW", 1, "true")}
            END;
            CREATE TRIGGER campaign_counts_{table}_delete AFTER DELETE ON {table} BEGIN
                {note("OLD", -1, CampaignExists)}
            END;
            """;

        public static readonly string Install = $"""
            {Triggers("contacts", "campaign_id, state, last_outcome",
                "OLD.campaign_id IS NOT NEW.campaign_id OR OLD.state IS NOT NEW.state OR OLD.last_outcome IS NOT NEW.last_outcome", Contact)}
            {Triggers("calls", "campaign_id, status, outcome, provider_call_id, cost",
                "OLD.campaign_id IS NOT NEW.campaign_id OR OLD.status IS NOT NEW.status OR OLD.outcome IS NOT NEW.outcome"
                + " OR (OLD.provider_call_id IS NULL) <> (NEW.provider_call_id IS NULL) OR OLD.cost IS NOT NEW.cost", Call)}
            CREATE TRIGGER campaign_counts_campaigns_delete AFTER DELETE ON campaigns BEGIN
                DELETE FROM campaign_counts WHERE campaign_id = OLD.id;
            END;
            """;

        public static readonly string Backfill = $"""
            DELETE FROM campaign_counts;
            INSERT INTO campaign_counts ({Columns})
                SELECT campaign_id, 'contact', state, coalesce(last_outcome, ''), 0, count(*), 0 FROM contacts
                GROUP BY campaign_id, state, coalesce(last_outcome, '');
            INSERT INTO campaign_counts ({Columns})
                SELECT campaign_id, 'call', status, coalesce(outcome, ''), {Accepted("calls")}, count(*), sum({Micros("calls")}) FROM calls
                GROUP BY campaign_id, status, coalesce(outcome, ''), {Accepted("calls")};
            """;

        public const string Drop = """
            DROP TRIGGER IF EXISTS campaign_counts_contacts_insert;
            DROP TRIGGER IF EXISTS campaign_counts_contacts_update;
            DROP TRIGGER IF EXISTS campaign_counts_contacts_delete;
            DROP TRIGGER IF EXISTS campaign_counts_calls_insert;
            DROP TRIGGER IF EXISTS campaign_counts_calls_update;
            DROP TRIGGER IF EXISTS campaign_counts_calls_delete;
            DROP TRIGGER IF EXISTS campaign_counts_campaigns_delete;
            """;
    }

    public static class Postgres
    {
        private static string Micros(string row) => $"coalesce(round({row}.cost * 1000000)::bigint, 0)";

        /// <summary>The rows of a transition table as (key, ±1, ±cost) for one subject.</summary>
        private static string ContactRows(string table, int sign)
            => $"SELECT r.campaign_id, r.state, coalesce(r.last_outcome, '') AS outcome, false AS accepted, {sign} AS n, 0::bigint AS cost FROM {table} r";

        private static string CallRows(string table, int sign)
            => $"SELECT r.campaign_id, r.status AS state, coalesce(r.outcome, '') AS outcome, {Accepted("r")} AS accepted, {sign} AS n, {sign} * {Micros("r")} AS cost FROM {table} r";

        /// <summary>One appended row per campaign and key whose count or cost the statement changed.</summary>
        private static string Note(string subject, string rows, bool campaignMustExist = false) => $"""
            INSERT INTO campaign_counts ({Columns})
                SELECT d.campaign_id, '{subject}', d.state, d.outcome, d.accepted, sum(d.n), sum(d.cost) FROM ({rows}) d
                {(campaignMustExist ? "WHERE EXISTS (SELECT 1 FROM campaigns c WHERE c.id = d.campaign_id)" : "")}
                GROUP BY d.campaign_id, d.state, d.outcome, d.accepted HAVING sum(d.n) <> 0 OR sum(d.cost) <> 0;
            """;

        private static string Function(string name, string subject, Func<string, int, string> rows) => $"""
            CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    {Note(subject, rows("new_rows", 1))}
                ELSIF TG_OP = 'UPDATE' THEN
                    {Note(subject, rows("new_rows", 1) + " UNION ALL " + rows("old_rows", -1))}
                ELSE
                    {Note(subject, rows("old_rows", -1), campaignMustExist: true)}
                END IF;
                RETURN NULL;
            END $$;
            """;

        private static string Triggers(string table, string function) => $"""
            CREATE TRIGGER campaign_counts_{table}_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION {function}();
            CREATE TRIGGER campaign_counts_{table}_update AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION {function}();
            CREATE TRIGGER campaign_counts_{table}_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows
                FOR EACH STATEMENT EXECUTE FUNCTION {function}();
            """;

        public static readonly string Install = $"""
            {Function("campaign_counts_note_contacts", CampaignCount.ContactSubject, ContactRows)}
            {Function("campaign_counts_note_calls", CampaignCount.CallSubject, CallRows)}
            {Triggers("contacts", "campaign_counts_note_contacts")}
            {Triggers("calls", "campaign_counts_note_calls")}
            CREATE FUNCTION campaign_counts_forget_campaigns() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                DELETE FROM campaign_counts WHERE campaign_id IN (SELECT id FROM old_rows);
                RETURN NULL;
            END $$;
            CREATE TRIGGER campaign_counts_campaigns_delete AFTER DELETE ON campaigns REFERENCING OLD TABLE AS old_rows
                FOR EACH STATEMENT EXECUTE FUNCTION campaign_counts_forget_campaigns();
            """;

        public static readonly string Backfill = $"""
            DELETE FROM campaign_counts;
            {Note(CampaignCount.ContactSubject, ContactRows("contacts", 1))}
            {Note(CampaignCount.CallSubject, CallRows("calls", 1))}
            """;

        /// <summary>
        /// Folds each key's rows into one (and drops keys that sum to nothing) in one statement. Rows appended meanwhile
        /// are not in its snapshot and stay; a second compactor running at once skips the rows this one deleted.
        /// </summary>
        public const string Compact = """
            WITH dup AS (
                SELECT campaign_id, subject, state, outcome, accepted FROM campaign_counts
                GROUP BY campaign_id, subject, state, outcome, accepted HAVING count(*) > 1 OR (sum(n) = 0 AND sum(cost_micros) = 0)
            ), gone AS (
                DELETE FROM campaign_counts k USING dup
                WHERE k.campaign_id = dup.campaign_id AND k.subject = dup.subject AND k.state = dup.state AND k.outcome = dup.outcome AND k.accepted = dup.accepted
                RETURNING k.campaign_id, k.subject, k.state, k.outcome, k.accepted, k.n, k.cost_micros
            )
            INSERT INTO campaign_counts (campaign_id, subject, state, outcome, accepted, n, cost_micros)
                SELECT campaign_id, subject, state, outcome, accepted, sum(n), sum(cost_micros) FROM gone
                GROUP BY campaign_id, subject, state, outcome, accepted HAVING sum(n) <> 0 OR sum(cost_micros) <> 0
            """;

        public const string Drop = """
            DROP TRIGGER IF EXISTS campaign_counts_contacts_insert ON contacts;
            DROP TRIGGER IF EXISTS campaign_counts_contacts_update ON contacts;
            DROP TRIGGER IF EXISTS campaign_counts_contacts_delete ON contacts;
            DROP TRIGGER IF EXISTS campaign_counts_calls_insert ON calls;
            DROP TRIGGER IF EXISTS campaign_counts_calls_update ON calls;
            DROP TRIGGER IF EXISTS campaign_counts_calls_delete ON calls;
            DROP TRIGGER IF EXISTS campaign_counts_campaigns_delete ON campaigns;
            DROP FUNCTION IF EXISTS campaign_counts_note_contacts();
            DROP FUNCTION IF EXISTS campaign_counts_note_calls();
            DROP FUNCTION IF EXISTS campaign_counts_forget_campaigns();
            """;
    }
}
