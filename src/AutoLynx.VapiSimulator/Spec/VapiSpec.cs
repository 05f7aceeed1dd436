using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Pointer;
using Json.Schema;

namespace AutoLynx.VapiSimulator.Spec;

/// <summary>
/// Vapi's published OpenAPI document (<c>Spec/vapi-openapi.json</c>, embedded as published) as JSON Schema validators:
/// request bodies and list queries are checked as Vapi's API checks them (every object whose properties the spec lists
/// is closed, so an unknown property is refused), responses and webhooks for required fields and types only (Vapi adds
/// fields often). Read once per process, on first use; each variant (request, response) is rewritten on its first use
/// (a simulator only checks requests; the response variant serves the contract tests), and schemas are built on first
/// use and cached.
/// </summary>
/// <remarks>
/// The document is OpenAPI 3.0, so before it is handed to JsonSchema.Net each component schema is rewritten into JSON
/// Schema 2020-12: <c>nullable: true</c> becomes a <c>null</c> alternative, <c>oneOf</c> becomes <c>anyOf</c> (Vapi
/// picks a branch by its discriminator, so two branches that both fit are not an error), and in the request variant
/// <c>additionalProperties: false</c> is added wherever the spec lists properties and says nothing else. Both variants
/// are registered as base documents (each in its own registry), so the spec's own <c>$ref: "#/components/schemas/X"</c>
/// resolve inside them.
/// </remarks>
public sealed class VapiSpec
{
    private static readonly Lazy<VapiSpec> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Uri RequestUri = new("https://vapi.autolynx.local/spec/request.json");
    private static readonly Uri ResponseUri = new("https://vapi.autolynx.local/spec/response.json");

    private readonly JsonObject _paths;
    private readonly Lazy<SchemaVariant> _request;
    private readonly Lazy<SchemaVariant> _response;
    // Lazy: GetOrAdd may run its factory twice at once, and building a schema twice registers its URI twice (which throws).
    private readonly ConcurrentDictionary<(bool Closed, string Name), Lazy<JsonSchema>> _schemas = new();
    private readonly EvaluationOptions _evaluation = new() { OutputFormat = OutputFormat.Hierarchical };

    private VapiSpec(JsonObject document)
    {
        _paths = document["paths"]!.AsObject();
        var schemas = document["components"]!["schemas"]!.AsObject();
        SchemaNames = schemas.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        // The parsed document materialises its nodes on first read, which is not thread-safe: one variant is rewritten at a time.
        _request = new(() => { lock (schemas) return SchemaVariant.Rewrite(schemas, closed: true, RequestUri); });
        _response = new(() => { lock (schemas) return SchemaVariant.Rewrite(schemas, closed: false, ResponseUri); });
    }

    /// <summary>The one instance of this process (the 3 MB document is read once).</summary>
    public static VapiSpec Instance => Loaded.Value;

    public IReadOnlySet<string> SchemaNames { get; }

    /// <summary>Messages (class-validator's words, as Vapi answers 400s) for a request body against a component schema;
    /// empty when the body is valid. Unknown properties are refused at every level the spec describes.</summary>
    public IReadOnlyList<string> ValidateRequest(string schemaName, JsonNode? body) => Validate(closed: true, schemaName, body);

    /// <summary>Messages for a response or webhook body: required fields, types, enums and bounds; extra fields pass.</summary>
    public IReadOnlyList<string> ValidateResponse(string schemaName, JsonNode? body) => Validate(closed: false, schemaName, body);

    /// <summary>The query parameters a GET path accepts, checked as Vapi's whitelisting validation does.</summary>
    public IReadOnlyList<string> ValidateQuery(string path, IEnumerable<KeyValuePair<string, string>> query)
    {
        var parameters = (_paths[path]?["get"]?["parameters"] as JsonArray)?
            .OfType<JsonObject>()
            .Where(p => p["in"]?.GetValue<string>() == "query")
            .ToDictionary(p => p["name"]!.GetValue<string>(), p => p["schema"] as JsonObject ?? [], StringComparer.Ordinal)
            ?? throw new ArgumentException($"The spec has no GET {path}.", nameof(path));
        var errors = new List<string>();
        foreach (var (key, value) in query)
        {
            if (!parameters.TryGetValue(key, out var schema))
            {
                errors.Add($"property {key} should not exist");
                continue;
            }

            errors.AddRange(CheckQueryValue(key, value, schema));
        }

        return errors;
    }

    private IReadOnlyList<string> Validate(bool closed, string schemaName, JsonNode? body)
    {
        var schema = _schemas.GetOrAdd((closed, schemaName), key => new Lazy<JsonSchema>(() => Build(key.Closed, key.Name))).Value;
        using var instance = JsonDocument.Parse(body?.ToJsonString() ?? "null");
        var result = schema.Evaluate(instance.RootElement, _evaluation);
        return result.IsValid ? [] : SchemaErrors.Describe(result, SchemaAt);
    }

    /// <summary>The rewritten schema object an evaluation result points at (its keyword values make the messages).</summary>
    private JsonObject? SchemaAt(Uri location)
    {
        var document = (location.GetLeftPart(UriPartial.Query) == RequestUri.ToString() ? _request : _response).Value.Document;
        var fragment = Uri.UnescapeDataString(location.Fragment.TrimStart('#'));
        return JsonPointer.TryParse(fragment, out var pointer) && pointer.TryEvaluate(document, out var node) ? node as JsonObject : null;
    }

    private JsonSchema Build(bool closed, string name)
    {
        if (!SchemaNames.Contains(name))
        {
            throw new ArgumentException($"The spec has no component schema {name}.", nameof(name));
        }

        var variant = (closed ? _request : _response).Value;
        using var root = JsonDocument.Parse($$"""{"$ref":"{{variant.BaseUri}}#/components/schemas/{{name}}"}""");
        return JsonSchema.Build(root.RootElement.Clone(), variant.Options, new Uri($"https://vapi.autolynx.local/spec/{(closed ? "req" : "res")}/{name}"));
    }

    private static IEnumerable<string> CheckQueryValue(string key, string value, JsonObject schema)
    {
        var type = schema["type"]?.GetValue<string>();
        if (type is "number" or "integer")
        {
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                yield return $"{key} must be a number conforming to the specified constraints";
                yield break;
            }

            if (schema["minimum"] is { } min && number < min.GetValue<double>())
            {
                yield return $"{key} must not be less than {min}";
            }

            if (schema["maximum"] is { } max && number > max.GetValue<double>())
            {
                yield return $"{key} must not be greater than {max}";
            }
        }
        else if (schema["format"]?.GetValue<string>() == "date-time"
                 && !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
        {
            yield return $"{key} must be a valid ISO 8601 date string";
        }
    }

    private static VapiSpec Load()
    {
        using var stream = typeof(VapiSpec).Assembly.GetManifestResourceStream("AutoLynx.VapiSimulator.Spec.vapi-openapi.json")
            ?? throw new InvalidOperationException("The embedded Vapi OpenAPI document is missing.");
        return new VapiSpec(JsonNode.Parse(stream)!.AsObject());
    }

    /// <summary>One rewritten variant: the document its base URI stands for (<c>{ components: { schemas: rewritten } }</c>,
    /// kept for the messages' keyword values) and the build options whose registry holds it.</summary>
    private sealed record SchemaVariant(Uri BaseUri, JsonObject Document, BuildOptions Options)
    {
        public static SchemaVariant Rewrite(JsonObject schemas, bool closed, Uri baseUri)
        {
            var rewritten = new JsonObject();
            foreach (var (name, schema) in schemas)
            {
                rewritten[name] = OpenApiSchemaRewriter.Rewrite(schema, closed);
            }

            // Erratum: BackoffPlan.excludedStatusCodes is a list of status codes (its example is [400, 401, 403, 404]), typed object.
            rewritten["BackoffPlan"]!["properties"]!["excludedStatusCodes"]!.AsObject().Remove("items");
            var document = new JsonObject { ["components"] = new JsonObject { ["schemas"] = rewritten } };
            using var parsed = JsonDocument.Parse(document.ToJsonString());
            var registry = new SchemaRegistry();
            registry.Register(baseUri, new JsonElementBaseDocument(parsed.RootElement.Clone(), baseUri));
            return new SchemaVariant(baseUri, document, new BuildOptions { SchemaRegistry = registry });
        }
    }
}
