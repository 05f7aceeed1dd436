using AutoLynx.Data;
using AutoLynx.Features.ApiDocs;
using AutoLynx.Wire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Features.Campaigns.Export;

public static class CampaignExportEndpoints
{
    /// <summary>Header with the number of rows the export holds, sent before the first row (for progress).</summary>
    public const string RowsHeader = "X-Export-Rows";

    public static IEndpointRouteBuilder MapCampaignExportEndpoints(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/campaigns").WithTags("Campaigns").AddEndpointFilter(CampaignEndpoints.OwnCampaignsOnly).SignInRequired();
        g.MapGet("/{id:long}/export.csv", ExportAsync).ProducesFile("text/csv").ProducesValidationProblem().Problems(404)
            .WithSummary("The campaign's results as CSV, one row per contact, streamed")
            .WithDescription("Filters: status (contact states) and outcome (last call's outcome), comma-separated or repeated. excel=true adds a UTF-8 BOM and a sep=, line. X-Export-Rows tells the number of rows before the first one.");
        return app;
    }

    private static async Task<Results<PushStreamHttpResult, ValidationProblem, ProblemHttpResult>> ExportAsync(long id, HttpContext http, AppDbContext db, CampaignExport export,
        [FromQuery] string[]? status, [FromQuery] string[]? outcome, bool? excel, CancellationToken ct)
    {
        var filter = ExportFilter.TryParse(status ?? [], outcome ?? [], excel ?? false, out var errors);
        if (filter is null) return TypedResults.ValidationProblem(errors, title: "The export filter is not valid");
        var name = await db.Campaigns.AsNoTracking().Where(c => c.Id == id).Select(c => c.Name).FirstOrDefaultAsync(ct);
        if (name is null) return TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no campaign with id {id}.");
        var rows = await export.CountAsync(id, filter, ct);
        http.Response.Headers[RowsHeader] = rows.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Stream(async body => await export.WriteAsync(id, filter, body, null, http.RequestAborted),
            SpreadsheetCsv.ContentType, SpreadsheetCsv.FileName(name, "campaign", "-results.csv"));
    }
}
