using NetEscapades.AspNetCore.SecurityHeaders;
using System.Text.Json.Nodes;
using AutoLynx.Wire;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace AutoLynx.Features.ApiDocs;

/// <summary>
/// The API's description: the OpenAPI document at /openapi/v1.json (checked in as docs/openapi.json, which a test keeps
/// equal to what is served) and the interactive reference at /docs (Scalar, its bundle served from the package, so it
/// works without internet), both for signed-in users only.
/// </summary>
public static class ApiDocsSetup
{
    public const string DocsPath = "/docs";
    public const string BearerScheme = "bearer";

    public static IServiceCollection AddApiDocs(this IServiceCollection services)
    {
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer((doc, _, _) =>
            {
                doc.Info = new OpenApiInfo
                {
                    Title = "AutoLynx API",
                    Version = "v1",
                    Description = Description(),
                };
                // No servers: the document is the same on every installation (and equal to docs/openapi.json); clients use
                // the address they fetched it from.
                doc.Servers = [];
                doc.Components ??= new OpenApiComponents();
                doc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                doc.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "An API token (alx_…) made on My account, sent as `Authorization: Bearer <token>`. A signed-in browser session works too.",
                };
                doc.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, doc)] = [] }];
                return Task.CompletedTask;
            });
            o.AddSchemaTransformer((schema, ctx, _) =>
            {
                WireSchemas.Tidy(schema, ctx.JsonTypeInfo.Type);
                WireShapeAttribute.Apply(schema, ctx);
                if (ctx.JsonTypeInfo.Type.IsAssignableTo(typeof(ProblemDetails)) && ctx.JsonPropertyInfo is null)
                {
                    schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
                    schema.Properties["code"] = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String,
                        Description = "A stable code to branch on: " + string.Join("; ", ProblemCodes.All.Select(c => $"`{c.Code}` {c.Meaning}")),
                        Enum = ProblemCodes.All.Select(c => (JsonNode)JsonValue.Create(c.Code)).ToList(),
                    };
                }
                return Task.CompletedTask;
            });
            o.AddOperationTransformer(MultipartUpload.DescribeAsync);
            o.AddOperationTransformer(BindingProblems.DescribeAsync);
            o.AddDocumentTransformer((doc, _, _) =>
            {
                RequestSchemas.LoosenRequired(doc);
                return Task.CompletedTask;
            });
            o.AddOperationTransformer(FileResponse.Describe);
        });
        return services;
    }

    public static IEndpointRouteBuilder MapApiDocs(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi();
        // The page's scripts carry this response's CSP nonce (SecurityHeaders): Scalar's inline configuration runs, nothing injected does.
        app.MapScalarApiReference(DocsPath, (o, http) => o
            .WithNonce(http.GetNonce())
            .WithTitle("AutoLynx API reference")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .DisableTelemetry()
            .DisableAgent() // the AI chat is Scalar's hosted service
            .HideDeveloperTools()
            .AddPreferredSecuritySchemes(BearerScheme)
            .DisableDefaultFonts() // the default fonts come from Scalar's CDN; the system's fonts work offline
            .WithDefaultHttpClient(ScalarTarget.CSharp, ScalarClient.HttpClient))
            .RequireAuthorization()
            .ExcludeFromDescription();
        return app;
    }

    private static string Description() =>
        """
        The JSON API of AutoLynx: campaigns from a CSV or Excel file, their contacts, calls, results and live events;
        assistants, phone lines, the do-not-call list, people and access, outbound webhooks.

        **Authentication.** Every call needs an API token (make one on *My account*), sent as
        `Authorization: Bearer <token>`; operators see their own campaigns, admins all of them.

        **Names.** JSON is camelCase. States (campaign, contact, call) are SCREAMING_SNAKE strings (`IN_PROGRESS`);
        outcomes, modes and reasons are kebab-case (`no-answer`). Query parameters accept any spelling of them.

        **Errors** are RFC 9457 problem details (`application/problem+json`) with a stable `code`:

        """ + string.Join("\n", ProblemCodes.All.Select(c => $"- `{c.Code}`: {c.Meaning}")) + "\n";
}
