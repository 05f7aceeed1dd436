using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AutoLynx.Features.ApiDocs;

/// <summary>Schema corrections so that the document says what the API sends, and generated clients get plain types.</summary>
internal static class WireSchemas
{
    public static void Tidy(OpenApiSchema schema, Type type)
    {
        // The web JSON defaults also read numbers written as strings ("5"); the API sends numbers, and clients should too:
        // described as the number alone, not as "integer or a string matching a pattern".
        if (schema.Type is { } t && (t.HasFlag(JsonSchemaType.Integer) || t.HasFlag(JsonSchemaType.Number)))
        {
            schema.Type = t & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
        // Enums travel as their wire names (WireNames): a string schema listing them; null is not one of the values.
        var enumType = Nullable.GetUnderlyingType(type) ?? type;
        if (enumType.IsEnum && schema.Enum is { Count: > 0 } values)
        {
            schema.Type = JsonSchemaType.String;
            schema.Enum = values.Where(v => v is not null).ToList();
        }
    }
}

/// <summary>
/// A property read as raw JSON (<c>JsonElement</c>, <c>JsonNode</c>) so that its handler can answer field by field, whose
/// wire shape is <see cref="Type"/>'s: the document refers to that type's schema instead of "any JSON".
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class WireShapeAttribute(Type type) : Attribute
{
    public Type Type { get; } = type;

    /// <summary>Rewrites a property's schema as "null or <see cref="Type"/>" when the property carries the attribute.</summary>
    internal static void Apply(OpenApiSchema schema, OpenApiSchemaTransformerContext context)
    {
        if (context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(WireShapeAttribute), false) is not [WireShapeAttribute shape, ..]) return;
        schema.Type = null;
        schema.OneOf = [new OpenApiSchema { Type = JsonSchemaType.Null }, new OpenApiSchemaReference(shape.Type.Name, context.Document)];
    }
}

/// <summary>
/// Request bodies: a nullable property the JSON may leave out is not "required" (the default for a positional record's
/// parameters). The fields a handler insists on answer 400 with field errors, which each operation describes.
/// </summary>
internal static class RequestSchemas
{
    public static void LoosenRequired(OpenApiDocument doc)
    {
        if (doc.Components?.Schemas is not { } schemas || doc.Paths is null) return;
        var bodies = doc.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(op => op.RequestBody?.Content?.Values ?? [])
            .SelectMany(media => media.Schema is { } s ? (s.OneOf ?? []).Prepend(s) : [])
            .OfType<OpenApiSchemaReference>().Select(r => r.Reference.Id).OfType<string>().ToHashSet();
        foreach (var id in bodies)
            if (schemas.TryGetValue(id, out var found) && found is OpenApiSchema { Required: { Count: > 0 } required, Properties: { } properties })
                foreach (var name in required.Where(name => properties.TryGetValue(name, out var p) && AllowsNull(p)).ToList())
                    required.Remove(name);
    }

    private static bool AllowsNull(IOpenApiSchema p)
        => (p.Type is { } t && t.HasFlag(JsonSchemaType.Null)) || (p.OneOf?.Any(o => o.Type is { } ot && ot.HasFlag(JsonSchemaType.Null)) ?? false);
}

/// <summary>
/// A response that is not JSON (a CSV download, an event stream): <see cref="Describe"/> adds its content type, with a
/// string schema, to the operation's response (made when missing).
/// </summary>
public sealed record FileResponse(int Status, string ContentType)
{
    internal static Task Describe(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        foreach (var file in context.Description.ActionDescriptor.EndpointMetadata.OfType<FileResponse>())
        {
            operation.Responses ??= new OpenApiResponses();
            var key = file.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!operation.Responses.TryGetValue(key, out var existing) || existing is not OpenApiResponse response)
                operation.Responses[key] = response = new OpenApiResponse { Description = file.Status == 200 ? "OK" : key };
            response.Content ??= new Dictionary<string, OpenApiMediaType>();
            var binary = file.ContentType != "text/event-stream";
            response.Content[file.ContentType] = new OpenApiMediaType
            {
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = binary ? "binary" : null },
            };
        }
        return Task.CompletedTask;
    }
}

public static class FileResponseExtensions
{
    /// <summary>Documents a 200 answer in <paramref name="contentType"/> (alongside any JSON one).</summary>
    public static RouteHandlerBuilder ProducesFile(this RouteHandlerBuilder builder, string contentType, int status = StatusCodes.Status200OK)
        => builder.WithMetadata(new FileResponse(status, contentType));
}
