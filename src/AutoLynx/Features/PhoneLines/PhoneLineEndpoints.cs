using AutoLynx.Features.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using AutoLynx.Data;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.PhoneLines;

public sealed record PhoneLineView(long Id, string ProviderPhoneNumberId, string Number, string Name, string? Provider, bool Active, int MaxConcurrent, string? ProviderStatus);

public static class PhoneLineEndpoints
{
    public static IEndpointRouteBuilder MapPhoneLineEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/phone-lines").WithTags("Phone lines");
        g.MapGet("/", ListAsync);
        g.MapPost("/", SyncAsync).RequireAuthorization(AuthSetup.AdminPolicy);
        g.MapGet("/{id:long}/health", HealthAsync).WithSummary("How the line is doing: live calls (ours and Vapi's), rates over its recent calls, status and the rule that set it");
        return app;
    }

    private static async Task<IResult> HealthAsync(long id, PhoneLineHealthService health, CancellationToken ct)
        => await health.GetAsync(id, askProvider: true, ct) is { } h ? TypedResults.Ok(h)
            : TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no phone line with id {id}.");

    private static async Task<Ok<List<PhoneLineView>>> ListAsync(AppDbContext db, CancellationToken ct)
    {
        var rows = await db.PhoneLines.AsNoTracking().OrderBy(x => x.Name).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(ToView).ToList());
    }

    /// <summary>Imports the account's phone numbers from Vapi (new ones added, known ones refreshed).</summary>
    private static async Task<Results<Ok<List<PhoneLineView>>, ProblemHttpResult>> SyncAsync(PhoneLineSync sync, AppDbContext db, CancellationToken ct)
    {
        try
        {
            await sync.SyncAsync(ct);
        }
        catch (AutoLynx.Vapi.VapiApiException ex)
        {
            return TypedResults.Problem(statusCode: 502, title: "Vapi refused", detail: ex.VapiMessage);
        }
        return await ListAsync(db, ct);
    }

    public static PhoneLineView ToView(PhoneLine l) => new(l.Id, l.ProviderPhoneNumberId, l.Number, l.Name, l.Provider, l.Active, l.MaxConcurrent, l.ProviderStatus);
}
