using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AutoLynx.Features.ApiDocs;

/// <summary>
/// Describes a multipart upload that the handler reads itself (<see cref="Contacts.FormUploads"/>: its own size limit and
/// 413/415 answers) instead of binding a form parameter: the operation gets a <c>multipart/form-data</c> request body with
/// the schema of <see cref="FormType"/>, a record naming the fields (an <see cref="IFormFile"/> becomes a binary field).
/// Unlike <c>Accepts&lt;T&gt;()</c>, it adds no content-type constraint to routing, so a wrong upload still gets the
/// handler's explanatory 415.
/// </summary>
public sealed record MultipartUpload(Type FormType)
{
    public const string ContentType = "multipart/form-data";

    internal static async Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<MultipartUpload>().FirstOrDefault() is not { } upload) return;
        var schema = await context.GetOrCreateSchemaAsync(upload.FormType, null, ct);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType> { [ContentType] = new() { Schema = schema } },
        };
    }
}

public static class MultipartUploadExtensions
{
    /// <summary>Documents the endpoint's request as a multipart upload with <typeparamref name="TForm"/>'s fields.</summary>
    public static RouteHandlerBuilder AcceptsMultipart<TForm>(this RouteHandlerBuilder builder)
        => builder.WithMetadata(new MultipartUpload(typeof(TForm)));
}

/// <summary>Short ways to say in the document what an endpoint answers besides its success.</summary>
public static class ApiResponses
{
    /// <summary>ProblemDetails answers with these statuses.</summary>
    public static RouteHandlerBuilder Problems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses) builder.ProducesProblem(status);
        return builder;
    }

    /// <summary>For a group: 401 without a valid token (and 403 when <paramref name="admin"/>), on every endpoint in it.</summary>
    public static TBuilder SignInRequired<TBuilder>(this TBuilder builder, bool admin = false) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(e =>
        {
            e.Metadata.Add(new ProducesResponseTypeMetadata(401, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
            if (admin) e.Metadata.Add(new ProducesResponseTypeMetadata(403, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
        });
        return builder;
    }
}
