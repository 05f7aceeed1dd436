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
