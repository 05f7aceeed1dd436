using System.Text.Json.Nodes;

namespace AutoLynx.VapiSimulator.Spec;

/// <summary>Turns an OpenAPI 3.0 schema object into JSON Schema 2020-12 (see <see cref="VapiSpec"/>), walking only the
/// places that hold subschemas, so a property named like a keyword (<c>type</c>, <c>items</c>) is left alone.</summary>
internal static class OpenApiSchemaRewriter
{
    private static readonly string[] Annotations = ["description", "example", "examples", "title", "deprecated", "default", "discriminator"];

    public static JsonNode? Rewrite(JsonNode? node, bool closed)
    {
        if (node is not JsonObject schema)
        {
            return node?.DeepClone();
        }

        var result = new JsonObject();
        foreach (var (key, value) in schema)
        {
            if (Annotations.Contains(key) || key.StartsWith("x-", StringComparison.Ordinal) || key == "nullable")
            {
                continue;
            }

            result[key == "oneOf" ? "anyOf" : key] = key switch
            {
                "properties" => RewriteProperties(value, schema["required"] as JsonArray, closed),
                "patternProperties" => RewriteProperties(value, null, closed: false),
                "items" or "additionalProperties" or "not" => Rewrite(value, closed),
                "allOf" or "anyOf" or "oneOf" => new JsonArray([.. value!.AsArray().Select(s => Rewrite(s, closed))]),
                _ => value?.DeepClone(),
            };
        }

        // Erratum: a few enums of strings are typed "object" by Vapi's generator (BackoffPlan.type "fixed", TransferPlan.sipVerb);
        // Vapi's service takes the strings, so the enum alone decides.
        if (result["type"]?.ToString() == "object" && result.ContainsKey("enum"))
        {
            result.Remove("type");
        }

        // Erratum: Vapi's generator puts the allowed values of an array's items on the array (serverMessages, clientMessages,
        // languages: 33 places); its service checks each element (class-validator's IsIn with each: true), so the items get them.
        if (result["type"]?.ToString() == "array" && result["enum"] is JsonArray values)
        {
            result.Remove("enum");
            if (result["items"] is not JsonObject items) result["items"] = items = new JsonObject();
            items.TryAdd("enum", values);
        }

        if (result.ContainsKey("$ref"))
        {
            // OpenAPI 3.0 ignores a reference's siblings.
            return new JsonObject { ["$ref"] = result["$ref"]!.DeepClone() };
        }

        if (closed && result.ContainsKey("properties") && !result.ContainsKey("additionalProperties"))
        {
            result["additionalProperties"] = false;
        }

        return schema["nullable"] is JsonValue nullable && nullable.GetValue<bool>() ? Nullable(result) : result;
    }

    /// <summary>In a request, an optional property may also be null: Vapi's DTOs mark them <c>@IsOptional()</c>, which
    /// class-validator takes to skip every check for null as for a missing value.</summary>
    private static JsonObject RewriteProperties(JsonNode? map, JsonArray? required, bool closed)
    {
        var result = new JsonObject();
        foreach (var (name, value) in map!.AsObject())
        {
            var rewritten = Rewrite(value, closed);
            var optional = required?.Any(r => r?.GetValue<string>() == name) != true;
            result[name] = closed && optional && rewritten is JsonObject property ? Nullable(property) : rewritten;
        }

        return result;
    }

    private static JsonObject Nullable(JsonObject schema)
    {
        switch (schema["type"])
        {
            case JsonValue type:
                schema["type"] = new JsonArray(type.GetValue<string>(), "null");
                break;
            case JsonArray types when !types.Any(t => t?.GetValue<string>() == "null"):
                types.Add("null");
                break;
            case JsonArray:
                return schema;
            default:
                // The null alternative goes last: of branches that fail alike, the first one speaks (SchemaErrors).
                return schema["anyOf"] is JsonArray { Count: 2 } pair && pair[1] is JsonObject { Count: 1 } last && last["type"]?.ToString() == "null"
                    ? schema
                    : new JsonObject { ["anyOf"] = new JsonArray(schema, new JsonObject { ["type"] = "null" }) };
        }

        if (schema["enum"] is JsonArray values && !values.Any(v => v is null))
        {
            values.Add(null);
        }

        return schema;
    }
}
