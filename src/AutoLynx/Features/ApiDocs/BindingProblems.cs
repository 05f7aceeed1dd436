using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AutoLynx.Features.ApiDocs;

/// <summary>
/// A query value that cannot be read as its type (<c>?page=abc</c>, <c>?active=maybe</c>) is answered 400 by the
/// framework before the handler runs (path ids have route constraints: a wrong one is a 404), as a ProblemDetails with the code <c>bad-request</c>: every operation with such a
/// parameter lists that 400, so clients see every status they can get.
/// </summary>
internal static class BindingProblems
{
    internal static async Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (operation.Parameters is not { Count: > 0 } parameters) return;
        if (!parameters.Any(p => p.In == ParameterLocation.Query && p.Schema?.Type is { } t && !t.HasFlag(JsonSchemaType.String))) return;
        operation.Responses ??= new OpenApiResponses();
        if (operation.Responses.ContainsKey("400")) return;
        // The same ProblemDetails component the other problems refer to (its schema registered once, then referenced).
        await context.GetOrCreateSchemaAsync(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), null, ct);
        var schema = new OpenApiSchemaReference(nameof(Microsoft.AspNetCore.Mvc.ProblemDetails), context.Document);
        operation.Responses["400"] = new OpenApiResponse
        {
            Description = "Bad Request: a parameter could not be read as its type",
            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = schema } },
        };
    }
}
