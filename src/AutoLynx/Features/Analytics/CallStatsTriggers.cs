namespace AutoLynx.Features.Analytics;

/// <summary>
/// The triggers that note call changes for the rollup (<see cref="CallStatsChange"/>), per provider, installed by the
/// migration that adds the rollup tables. Every change to a call that analytics reads, whoever makes it (the engine,
/// a reconciler, a bulk load, a person with psql), appends (campaign, UTC hour) in the same transaction; so does a
/// change of a contact's time zone, for each of its calls. <see cref="Backfill"/> notes every hour that already has calls.
/// </summary>
public static class CallStatsTriggers
{
    /// <summary>Columns of <c>calls</c> whose change alters a rollup cell.</summary>
    private const string Watched = "status, outcome, ended_reason, cost, duration_seconds, success_evaluation, provider_call_id, phone_line_id, campaign_id, contact_id, created_at";

    public static class Sqlite
    {
        private const string NewHour = "substr(NEW.created_at, 1, 13) || ':00:00'";
        private const string OldHour = "substr(OLD.created_at, 1, 13) || ':00:00'";

        public const string Install = $"""
            CREATE TRIGGER call_stats_calls_insert AFTER INSERT ON calls BEGIN
                INSERT INTO call_stats_changes (campaign_id, hour) VALUES (NEW.campaign_id, {NewHour});
            END;
            CREATE TRIGGER call_stats_calls_update AFTER UPDATE OF {Watched} ON calls BEGIN
                INSERT INTO call_stats_changes (campaign_id, hour) VALUES (NEW.campaign_id, {NewHour});
                INSERT INTO call_stats_changes (campaign_id, hour) SELECT OLD.campaign_id, {OldHour}
                    WHERE OLD.campaign_id IS NOT NEW.campaign_id OR {OldHour} IS NOT {NewHour};
            END;
            CREATE TRIGGER call_stats_calls_delete AFTER DELETE ON calls BEGIN
                INSERT INTO call_stats_changes (campaign_id, hour) VALUES (OLD.campaign_id, {OldHour});
            END;
            CREATE TRIGGER call_stats_contacts_time_zone AFTER UPDATE OF time_zone ON contacts WHEN OLD.time_zone IS NOT NEW.time_zone BEGIN
                INSERT INTO call_stats_changes (campaign_id, hour) SELECT campaign_id, substr(created_at, 1, 13) || ':00:00' FROM calls WHERE contact_id = NEW.id;
            END;
            """;

        public const string Backfill = "INSERT INTO call_stats_changes (campaign_id, hour) SELECT DISTINCT campaign_id, substr(created_at, 1, 13) || ':00:00' FROM calls;";

        public const string Drop = """
            DROP TRIGGER IF EXISTS call_stats_calls_insert;
            DROP TRIGGER IF EXISTS call_stats_calls_update;
            DROP TRIGGER IF EXISTS call_stats_calls_delete;
            DROP TRIGGER IF EXISTS call_stats_contacts_time_zone;
            """;
    }

    public static class Postgres
    {
        private static string Hour(string row) => $"date_trunc('hour', {row}.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'";

        public static readonly string Install = $"""
            CREATE FUNCTION call_stats_note_call() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('UPDATE', 'DELETE') AND (TG_OP = 'DELETE' OR OLD.campaign_id IS DISTINCT FROM NEW.campaign_id
                        OR {Hour("OLD")} IS DISTINCT FROM {Hour("NEW")}) THEN
                    INSERT INTO call_stats_changes (campaign_id, hour) VALUES (OLD.campaign_id, {Hour("OLD")});
                END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                INSERT INTO call_stats_changes (campaign_id, hour) VALUES (NEW.campaign_id, {Hour("NEW")});
                RETURN NEW;
            END $$;
            CREATE TRIGGER call_stats_calls_insert_delete AFTER INSERT OR DELETE ON calls FOR EACH ROW EXECUTE FUNCTION call_stats_note_call();
            CREATE TRIGGER call_stats_calls_update AFTER UPDATE OF {Watched} ON calls FOR EACH ROW EXECUTE FUNCTION call_stats_note_call();
            CREATE FUNCTION call_stats_note_contact_time_zone() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO call_stats_changes (campaign_id, hour) SELECT campaign_id, {Hour("calls")} FROM calls WHERE contact_id = NEW.id;
                RETURN NEW;
            END $$;
            CREATE TRIGGER call_stats_contacts_time_zone AFTER UPDATE OF time_zone ON contacts FOR EACH ROW
                WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone) EXECUTE FUNCTION call_stats_note_contact_time_zone();
            """;

        public static readonly string Backfill = $"INSERT INTO call_stats_changes (campaign_id, hour) SELECT DISTINCT campaign_id, {Hour("calls")} FROM calls;";

        public const string Drop = """
            DROP TRIGGER IF EXISTS call_stats_calls_insert_delete ON calls;
            DROP TRIGGER IF EXISTS call_stats_calls_update ON calls;
            DROP TRIGGER IF EXISTS call_stats_contacts_time_zone ON contacts;
            DROP FUNCTION IF EXISTS call_stats_note_call();
            DROP FUNCTION IF EXISTS call_stats_note_contact_time_zone();
            """;
    }
}
