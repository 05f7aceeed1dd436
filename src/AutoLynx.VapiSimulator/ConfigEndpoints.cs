using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AutoLynx.VapiSimulator;

/// <summary>GET/PUT /_sim/config: read and change the live settings (fault plan, outcome mix, concurrency limit,
/// webhook URL and auth, time scale, seed) while the simulator runs. PUT (or PATCH) merges: only the properties sent
/// change, nested <c>faults</c> and <c>outcomes</c> included. Secrets read back as "***"; sending "***" keeps them.</summary>
internal static class ConfigEndpoints
{
    public const string Masked = "***";

    private static readonly string[] Secrets = ["apiKey", "webhookSecret", "webhookBearerToken", "webhookHmacSecret"];
    private static readonly string[] ReadOnly = ["phoneNumbers", "url"];
    private static readonly Lock Gate = new();

    public static void MapConfigEndpoints(this RouteGroupBuilder sim)
    {
        sim.MapGet("/config", (SimulatorOptions options) => SimJson.Json(View(options)));
        sim.MapPut("/config", UpdateAsync);
        sim.MapPatch("/config", UpdateAsync);
    }

    /// <summary>The settings as JSON, camelCase like the configuration keys, secrets masked.</summary>
    public static JsonObject View(SimulatorOptions options)
    {
        var view = (JsonObject)JsonSerializer.SerializeToNode(options, SimJson.Options)!;
        foreach (var secret in Secrets)
        {
            if (view[secret] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0)
            {
                view[secret] = Masked;
            }
        }

        return view;
    }

    private static async Task<IResult> UpdateAsync(HttpRequest request, SimulatorOptions live)
    {
        var (body, error) = await SimJson.ReadObjectAsync(request);
        if (error is not null)
        {
            return error;
        }

        lock (Gate)
        {
            var staged = live.Clone();
            var errors = Apply(body!, staged, View(live));
            if (errors.Count == 0)
            {
                errors.AddRange(staged.Validate());
            }

            if (errors.Count > 0)
            {
                return SimJson.BadRequest(errors);
            }

            Commit(staged, live);
            return SimJson.Json(View(live));
        }
    }

    /// <summary>Writes the sent properties onto <paramref name="target"/>; returns what could not be applied.</summary>
    internal static List<string> Apply(JsonObject body, SimulatorOptions target, JsonObject current)
    {
        var errors = new List<string>();
        foreach (var (key, value) in body)
        {
            if (ReadOnly.Contains(key))
            {
                if (!JsonNode.DeepEquals(value, current[key]))
                {
                    errors.Add($"{key} cannot be changed while the simulator runs");
                }

                continue;
            }

            if (Secrets.Contains(key) && value is JsonValue masked && masked.TryGetValue<string>(out var text) && text == Masked)
            {
                continue; // read back from GET: unchanged
            }

            if (key is "faults" or "outcomes")
            {
                if (value is not JsonObject nested)
                {
                    errors.Add($"{key} must be an object");
                    continue;
                }

                object section = key == "faults" ? target.Faults : target.Outcomes;
                foreach (var (name, inner) in nested)
                {
                    Set(section, name, inner, $"{key}.{name}", errors);
                }

                continue;
            }

            Set(target, key, value, key, errors);
        }

        return errors;
    }

    private static void Set(object target, string name, JsonNode? value, string path, List<string> errors)
    {
        var property = target.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is null || !property.CanWrite || property.PropertyType == typeof(FaultPlan) || property.PropertyType == typeof(OutcomeMix))
        {
            errors.Add($"property {path} should not exist");
            return;
        }

        try
        {
            var converted = value?.Deserialize(property.PropertyType, SimJson.Options);
            if (converted is null && property.PropertyType.IsValueType && Nullable.GetUnderlyingType(property.PropertyType) is null)
            {
                errors.Add($"{path} must not be null");
                return;
            }

            property.SetValue(target, converted);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException)
        {
            errors.Add($"{path} must be {Describe(property.PropertyType)}");
        }
    }

    /// <summary>Copies every setting except the listening address and the seeded numbers, which only a restart changes.
    /// Faults and outcomes are swapped as whole objects, so a reader never sees half a plan.</summary>
    private static void Commit(SimulatorOptions staged, SimulatorOptions live)
    {
        foreach (var property in typeof(SimulatorOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.CanWrite && property.Name is not (nameof(SimulatorOptions.PhoneNumbers) or nameof(SimulatorOptions.Url)))
            {
                property.SetValue(live, property.GetValue(staged));
            }
        }
    }

    private static string Describe(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(string) => "a string",
        var t when t == typeof(bool) => "a boolean",
        var t when t == typeof(int) => "an integer number",
        _ => "a number",
    };
}
