using System.Text.Json.Nodes;

namespace AutoLynx.VapiSimulator;

/// <summary>Saved assistants, kept as the JSON that was sent plus Vapi's server-set fields.</summary>
internal sealed class AssistantStore(SimulatorIdentity identity, TimeProvider time)
{
    private sealed class Entry
    {
        public required JsonObject Body { get; init; }
        public required long Sequence { get; init; }
        public required DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; set; }
    }

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _sequence;

    public JsonObject Create(JsonObject fields)
    {
        var now = SimJson.ToMilliseconds(time.GetUtcNow());
        var id = Guid.CreateVersion7(now).ToString();
        var body = new JsonObject { ["id"] = id, ["orgId"] = identity.OrgId };
        foreach (var (key, value) in fields)
        {
            body[key] = value?.DeepClone();
        }

        body["createdAt"] = SimJson.Iso(now);
        body["updatedAt"] = SimJson.Iso(now);
        body["isServerUrlSecretSet"] = false;

        lock (_gate)
        {
            _entries[id] = new Entry { Body = body, Sequence = ++_sequence, CreatedAt = now, UpdatedAt = now };
            return (JsonObject)body.DeepClone();
        }
    }

    public JsonObject? Get(string id)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(id, out var entry) ? (JsonObject)entry.Body.DeepClone() : null;
        }
    }

    public List<JsonObject> List(ListQuery query)
    {
        lock (_gate)
        {
            return _entries.Values
                .Where(e => query.Matches(e.CreatedAt, e.UpdatedAt))
                .OrderByDescending(e => e.Sequence)
                .Take(query.Limit)
                .Select(e => (JsonObject)e.Body.DeepClone())
                .ToList();
        }
    }

    /// <summary>Top-level merge: each sent property replaces the stored one; null removes it.</summary>
    public JsonObject? Patch(string id, JsonObject fields)
    {
        var now = SimJson.ToMilliseconds(time.GetUtcNow());
        lock (_gate)
        {
            if (!_entries.TryGetValue(id, out var entry))
            {
                return null;
            }

            foreach (var (key, value) in fields)
            {
                if (value is null)
                {
                    entry.Body.Remove(key);
                }
                else
                {
                    entry.Body[key] = value.DeepClone();
                }
            }

            entry.UpdatedAt = now;
            entry.Body["updatedAt"] = SimJson.Iso(now);
            return (JsonObject)entry.Body.DeepClone();
        }
    }

    public JsonObject? Delete(string id)
    {
        lock (_gate)
        {
            return _entries.Remove(id, out var entry) ? entry.Body : null;
        }
    }
}
