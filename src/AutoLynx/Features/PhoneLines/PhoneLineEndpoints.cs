using AutoLynx.Features.ApiDocs;
using AutoLynx.Features.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using AutoLynx.Data;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.PhoneLines;

public sealed record PhoneLineView(long Id, string ProviderPhoneNumberId, string Number, string Name, string? Provider, bool Active, int MaxConcurrent, string? ProviderStatus,
    int? DailyCap = null);

/// <summary>What an admin may change on a line; a field left out stays. <c>dailyCap</c> 0 removes the cap.</summary>
public sealed record UpdatePhoneLineRequest(string? Name, bool? Active, int? MaxConcurrent, int? DailyCap);

public static class PhoneLineEndpoints
{
    public static IEndpointRouteBuilder MapPhoneLineEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/phone-lines").WithTags("Phone lines").SignInRequired();
        g.MapGet("/", ListAsync).WithSummary("The phone lines, by name");
        g.MapPost("/", SyncAsync).RequireAuthorization(AuthSetup.AdminPolicy).Problems(403, 502)
            .WithSummary("Imports the account's phone numbers from Vapi (admins): new ones added, known ones refreshed; answers every line");
        g.MapPatch("/{id:long}", UpdateAsync).RequireAuthorization(AuthSetup.AdminPolicy)
            .Problems(403, 404)
            .WithSummary("Renames a line, turns it off or on, or sets how many calls it may carry at once and per day");
        g.MapGet("/{id:long}/health", HealthAsync).Problems(404).WithSummary("How the line is doing: live calls (ours and Vapi's), rates over its recent calls, status and the rule that set it");
        return app;
    }

    private static async Task<Results<Ok<LineHealth>, ProblemHttpResult>> HealthAsync(long id, PhoneLineHealthService health, CancellationToken ct)
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

    private static async Task<Results<Ok<PhoneLineView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(long id, UpdatePhoneLineRequest? body, AppDbContext db, TimeProvider time, Actor actor,
        System.Security.Claims.ClaimsPrincipal user, CancellationToken ct)
    {
        var line = await db.PhoneLines.FirstOrDefaultAsync(l => l.Id == id, ct);
        if (line is null) return TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no phone line with id {id}.");
        var errors = new Dictionary<string, string[]>();
        if (body?.Name is { } name && (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 100)) errors["name"] = ["Give the line a name of at most 100 characters."];
        if (body?.MaxConcurrent is < 1 or > 1000) errors["maxConcurrent"] = ["maxConcurrent must be from 1 to 1000 calls at once."];
        if (body?.DailyCap is < 0 or > 1_000_000) errors["dailyCap"] = ["dailyCap must be from 1 to 1,000,000 calls a day, or 0 for no cap."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        if (body?.Name is { } n) line.Name = n.Trim();
        if (body?.Active is { } active) line.Active = active;
        if (body?.MaxConcurrent is { } max) line.MaxConcurrent = max;
        if (body?.DailyCap is { } cap) line.DailyCap = cap == 0 ? null : cap;
        actor.Set(Viewer.From(user));
        db.AuditLog.Add(new Audit.AuditLogEntry
        {
            At = time.GetUtcNow().UtcDateTime, Actor = actor.Name, Action = "phone-line.update", EntityType = "phone_line", EntityId = id.ToString(),
            Details = System.Text.Json.JsonSerializer.Serialize(new { line.Name, line.Active, line.MaxConcurrent, line.DailyCap }),
        });
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ToView(line));
    }

    public static PhoneLineView ToView(PhoneLine l) => new(l.Id, l.ProviderPhoneNumberId, l.Number, l.Name, l.Provider, l.Active, l.MaxConcurrent, l.ProviderStatus,
        l.DailyCap);
}
