using System.Security.Claims;
using System.Text.Json;
using AutoLynx.Data;
using AutoLynx.Features.Auth;
using Microsoft.EntityFrameworkCore;
using System.Threading.Channels;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Contacts;
using AutoLynx.Wire;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using AutoLynx.Features.ApiDocs;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Campaigns;

/// <summary>PATCH: any of name, cap and policy (the policy fields sent replace the campaign's, the rest stay).</summary>
public sealed record UpdateCampaignRequest(string? Name, int? Cap, [property: WireShape(typeof(Compliance.CampaignPolicy))] JsonElement? Policy = null);

/// <summary>Body of POST /api/campaigns/{id}/duplicate; every field optional (what is left out is copied from the source).</summary>
public sealed record DuplicateCampaignRequest(string[]? Outcomes, string? Name, long? AssistantId, long? PhoneLineId, int? Cap,
    [property: WireShape(typeof(Compliance.CampaignPolicy))] JsonElement? Policy = null);

public static class CampaignEndpoints
{
    public static IEndpointRouteBuilder MapCampaignEndpoints(this IEndpointRouteBuilder app)
    {
        // Another operator's campaign answers exactly like a missing one: 404, nothing about it leaks.
        var g = app.MapGroup("/api/campaigns").WithTags("Campaigns").AddEndpointFilter(OwnCampaignsOnly).SignInRequired();
        g.MapPost("/", CreateAsync).DisableAntiforgery().AcceptsMultipart<CreateCampaignForm>()
            .Problems(413, 415, 422)
            .WithSummary("Creates a campaign from a contact file (CSV or .xlsx)")
            .WithDescription("Multipart: the file and the campaign's settings. The campaign is CREATED, not started (POST /{id}/start). "
                + "201 with the new id and the import report: rows accepted, skipped with their reasons, duplicates. 422 (import-rejected) when no row can be imported.");
        g.MapPost("/validate", ValidateAsync).DisableAntiforgery().AcceptsMultipart<ContactFileForm>()
            .ProducesFile("text/csv").ProducesValidationProblem().Problems(413, 415)
            .WithSummary("Checks a contact file without saving anything")
            .WithDescription("The import report a campaign from this file would get. format=csv answers the rows that would not be imported, as CSV, "
                + "with the counts in X-Import-Total-Rows, X-Import-Accepted, X-Import-Skipped and X-Import-Duplicates.");
        g.MapGet("/", ListAsync)
            .WithSummary("Lists the campaigns the caller may see, newest first")
            .WithDescription("Paged (page from 1, pageSize default 25); status filters by campaign state; search matches the name, ignoring case.");
        g.MapGet("/{id:long}", GetAsync).Problems(404)
            .WithSummary("A campaign's summary: state, settings, counters, batches, policy, why it waits, its line's health");
        g.MapPatch("/{id:long}", UpdateAsync).ProducesValidationProblem().Problems(404, 409)
            .WithSummary("Changes a campaign's name, cap or policy")
            .WithDescription("Fields left out stay; the policy fields sent replace the campaign's. 409 once the campaign has finished.");
        g.MapDelete("/{id:long}", DeleteAsync).ProducesValidationProblem().Problems(404, 409)
            .WithSummary("Deletes a campaign that has never placed a call");
        g.MapPost("/{id:long}/start", (long id, CampaignService s, CampaignQueries q, CancellationToken ct) => CommandAsync(id, (i, c) => s.StartAsync(i, c), q, ct))
            .ProducesValidationProblem().Problems(404, 409)
            .WithSummary("Starts a campaign: it is QUEUED and the dialer begins calling its contacts")
            .WithDescription("The summary after the start. A campaign whose assistant is gone on Vapi answers 200 PAUSED with the reason (statusReason).");
        g.MapPost("/{id:long}/pause", (long id, CampaignService s, CampaignQueries q, CancellationToken ct) => CommandAsync(id, s.PauseAsync, q, ct))
            .ProducesValidationProblem().Problems(404, 409)
            .WithSummary("Pauses a campaign: no new calls; live calls finish");
        g.MapPost("/{id:long}/resume", (long id, CampaignService s, CampaignQueries q, CancellationToken ct) => CommandAsync(id, s.ResumeAsync, q, ct))
            .ProducesValidationProblem().Problems(404, 409)
            .WithSummary("Resumes a paused campaign");
        g.MapPost("/{id:long}/stop", StopAsync).ProducesValidationProblem().Problems(404, 409)
            .WithSummary("Stops a campaign for good: no new calls")
            .WithDescription("Live calls finish and are still tracked; with endLiveCalls=true they are hung up too.");
        g.MapPost("/{id:long}/duplicate", DuplicateAsync).Problems(404)
            .WithSummary("Call again: a new campaign from this one's contacts")
            .WithDescription("All contacts, or those whose last outcome is one of outcomes (e.g. [\"no-answer\", \"busy\"]; \"not-called\" for those never called). "
                + "Name, assistant, line, cap and policy are copied unless given. The new campaign is CREATED and owned by the caller.");
        g.MapGet("/{id:long}/contacts", ContactsAsync).ProducesValidationProblem().Problems(404)
            .WithSummary("A campaign's contacts, paged")
            .WithDescription("status filters by contact state; search matches name, business or phone; sort by row (default), name, business, phone, status, attempts or outcome; desc=true reverses.");
        g.MapPost("/{id:long}/contacts", AddContactsAsync).DisableAntiforgery().AcceptsMultipart<ContactFileForm>()
            .Problems(404, 409, 413, 415, 422)
            .WithSummary("Adds a CSV or .xlsx file's contacts to a campaign that has not finished (dryRun=true: the report only)")
            .WithDescription("Same validation as a new campaign; numbers already in the campaign count as duplicates. 409 once the campaign is completed or stopped; "
                + "422 (import-rejected) when no row is new.");
        g.MapGet("/{id:long}/preflight", async Task<Results<Ok<Compliance.PreflightReport>, ProblemHttpResult>> (long id, Compliance.Preflight preflight, CancellationToken ct)
            => await preflight.ForAsync(id, ct) is { } report ? TypedResults.Ok(report) : NotFound(id))
            .Problems(404)
            .WithSummary("What the campaign would do if started now: callable, waiting for calling hours, on the do-not-call list, estimated finish");
        g.MapGet("/{id:long}/calls", CallsAsync).Problems(404)
            .WithSummary("A campaign's calls, every attempt, with their results (contactId filters to one contact)");
        g.MapGet("/{id:long}/calls/{callId:long}/events", CallEventsAsync).Problems(404)
            .WithSummary("One call's timeline: every webhook and every change the engine made");
        g.MapGet("/{id:long}/events", EventsAsync).ProducesFile("text/event-stream").Problems(404)
            .WithSummary("Live changes of the campaign and its calls, as Server-Sent Events")
            .WithDescription("One \"change\" event (data: a JSON CampaignChange) per campaign or call change; a keep-alive comment now and then. The stream ends when the caller's access is revoked.");
        return app;
    }

    /// <summary>Endpoint filter for any route with a campaign <c>{id}</c>: the viewer must be allowed to see that campaign.</summary>
    internal static async ValueTask<object?> OwnCampaignsOnly(EndpointFilterInvocationContext ctx, EndpointFilterDelegate next)
    {
        var http = ctx.HttpContext;
        if (http.Request.RouteValues.TryGetValue("id", out var raw) && long.TryParse(raw?.ToString(), out var id))
        {
            var viewer = Viewer.Require(http.User);
            if (!await http.RequestServices.GetRequiredService<CampaignQueries>().VisibleAsync(id, viewer, http.RequestAborted))
                return NotFound(id);
        }
        return await next(ctx);
    }

    private static async Task<Results<Created<CreateCampaignResult>, ValidationProblem, ProblemHttpResult>> CreateAsync(HttpRequest request, ClaimsPrincipal user, CampaignService service, ImportMappingStore mappings,
        IOptions<ImportOptions> limits, IOptions<DialerOptions> dialer, CancellationToken ct)
    {
        var (form, problem) = await FormUploads.ReadAsync(request, limits.Value, ct);
        if (problem is not null) return problem;
        var errors = new Dictionary<string, string[]>();
        var file = form!.Files.GetFile("file");
        if (file is null) errors["file"] = [AttachFile];
        if (!long.TryParse(form["assistantId"], out var assistantId)) errors["assistantId"] = ["Choose an assistant (assistantId)."];
        if (!long.TryParse(form["phoneLineId"], out var phoneLineId)) errors["phoneLineId"] = ["Choose a phone line (phoneLineId)."];
        var cap = dialer.Value.DefaultCap;
        if (!string.IsNullOrWhiteSpace(form["cap"]) && !int.TryParse(form["cap"], out cap)) errors["cap"] = ["Cap must be a whole number."];
        var mode = DialMode.Continuous;
        if (!string.IsNullOrWhiteSpace(form["mode"]) && !WireNames.TryParse(form["mode"].ToString(), out mode))
            errors["mode"] = ["Mode must be continuous or batch."];
        var lineQuietGating = false;
        if (!string.IsNullOrWhiteSpace(form["lineQuietGating"]) && !bool.TryParse(form["lineQuietGating"], out lineQuietGating))
            errors["lineQuietGating"] = ["lineQuietGating must be true or false."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The campaign cannot be created");

        await using var stream = file!.OpenReadStream();
        try
        {
            var viewer = Viewer.Require(user);
            var import = mappings.SettingsFor(viewer.UserId, ContactMapping.Parse(form["mapping"]), form["sheet"]);
            var (result, invalid) = await service.CreateAsync(
                new CreateCampaignCommand(form["name"].ToString(), assistantId, phoneLineId, cap, mode, viewer.UserId, lineQuietGating,
                    string.IsNullOrWhiteSpace(form["policy"]) ? null : form["policy"].ToString()), stream, ct, import);
            if (invalid is not null) return TypedResults.ValidationProblem(invalid, title: "The campaign cannot be created");
            await mappings.RememberIfGivenAsync(viewer.UserId, result!.ImportReport, ct);
            return TypedResults.Created($"/api/campaigns/{result.CampaignId}", result);
        }
        catch (ImportRejectedException ex)
        {
            return ImportProblem(ex);
        }
    }

    /// <summary>
    /// Multipart like create: <c>file</c>, optional <c>mapping</c> (JSON) and <c>sheet</c>. 200 with the import report (rows
    /// already in the campaign count as duplicates); 409 once the campaign is completed or stopped; <c>?dryRun=true</c>
    /// validates against the campaign and stores nothing.
    /// </summary>
    private static async Task<Results<Ok<AddContactsResult>, ValidationProblem, ProblemHttpResult>> AddContactsAsync(long id, HttpRequest request, ClaimsPrincipal user, CampaignContactAdder adder,
        ImportMappingStore mappings, IOptions<ImportOptions> limits, bool? dryRun, CancellationToken ct)
    {
        var (form, problem) = await FormUploads.ReadAsync(request, limits.Value, ct);
        if (problem is not null) return problem;
        var file = form!.Files.GetFile("file");
        if (file is null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = [AttachFile] }, title: "No contacts were added");
        await using var stream = file.OpenReadStream();
        try
        {
            var viewer = Viewer.Require(user);
            var import = mappings.SettingsFor(viewer.UserId, ContactMapping.Parse(form["mapping"]), form["sheet"]);
            var (result, outcome) = await adder.AddAsync(id, stream, import, dryRun == true, ct);
            if (!outcome.Ok) return ToProblem(outcome);
            if (!result!.DryRun) await mappings.RememberIfGivenAsync(viewer.UserId, result.ImportReport, ct);
            return TypedResults.Ok(result);
        }
        catch (ImportRejectedException ex)
        {
            return ImportProblem(ex);
        }
    }

    private const string AttachFile = "Attach the contact list (CSV or Excel .xlsx) in the field \"file\".";

    /// <summary>A file that cannot be imported, or a mapping or sheet that does not fit it: 4xx with the reason, naming the field at fault.</summary>
    private static ProblemHttpResult ImportProblem(ImportRejectedException ex) => ex.Field is { } field
        ? ApiProblems.Invalid(new Dictionary<string, string[]> { [field] = [ex.Message] }, detail: ex.Message,
            title: field == "mapping" ? "The mapping does not fit the file" : "The sheet does not fit the file")
        : TypedResults.Problem(statusCode: ex.StatusCode, title: "The file cannot be imported", detail: ex.Message,
            extensions: new Dictionary<string, object?> { ["code"] = ProblemCodes.ImportRejected });

    /// <summary>
    /// The import report, nothing saved. <c>?format=csv</c> answers the error CSV instead: every row not imported. Optional
    /// form fields: <c>mapping</c> (JSON) and <c>sheet</c> (xlsx); without a mapping, the caller's remembered one for these headers.
    /// </summary>
    private static async Task<Results<Ok<ImportReport>, FileStreamHttpResult, ValidationProblem, ProblemHttpResult>> ValidateAsync(HttpRequest request, ClaimsPrincipal user, ContactImporter importer, ImportMappingStore mappings,
        IOptions<ImportOptions> limits, string? format, CancellationToken ct)
    {
        var csv = string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase);
        if (!csv && !string.IsNullOrEmpty(format) && !string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["format"] = ["Format must be json or csv."] });
        var (form, problem) = await FormUploads.ReadAsync(request, limits.Value, ct);
        if (problem is not null) return problem;
        var file = form!.Files.GetFile("file");
        if (file is null)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = [AttachFile] });
        await using var stream = file.OpenReadStream();
        try
        {
            var import = mappings.SettingsFor(Viewer.Require(user).UserId, ContactMapping.Parse(form["mapping"]), form["sheet"]);
            if (!csv) return TypedResults.Ok(await importer.ImportAsync(stream, null, ct, settings: import));
            // To a temporary file first: the status (a 413 can come at the last row) must be known before the body starts.
            var output = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024,
                FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            try
            {
                var report = await ImportErrorCsv.WriteAsync(importer, stream, output, ct, import);
                output.Position = 0;
                var headers = request.HttpContext.Response.Headers;
                headers["X-Import-Total-Rows"] = report.TotalRows.ToString();
                headers["X-Import-Accepted"] = report.Accepted.ToString();
                headers["X-Import-Skipped"] = report.SkippedCount.ToString();
                headers["X-Import-Duplicates"] = report.DuplicateCount.ToString();
                return TypedResults.File(output, ImportErrorCsv.ContentType, ImportErrorCsv.FileNameFor(file.FileName));
            }
            catch
            {
                await output.DisposeAsync();
                throw;
            }
        }
        catch (ImportRejectedException ex)
        {
            return ImportProblem(ex);
        }
    }

    private static async Task<Results<Ok<Paged<CampaignListItem>>, ValidationProblem>> ListAsync(ClaimsPrincipal user, CampaignQueries q, int? page, int? pageSize, string? status, string? search, CancellationToken ct)
    {
        CampaignStatus? s = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!WireNames.TryParse<CampaignStatus>(status, out var parsed))
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [$"Unknown status \"{status}\"; use one of {WireNames.StateList<CampaignStatus>()}."] });
            s = parsed;
        }
        return TypedResults.Ok(await q.ListAsync(page ?? 1, pageSize ?? 25, s, search, Viewer.Require(user), ct));
    }

    /// <summary>The summary, with the health of the campaign's line (a failing line is named there) and whether its calls' webhooks arrive.</summary>
    private static async Task<Results<Ok<CampaignSummary>, ProblemHttpResult>> GetAsync(long id, CampaignQueries q,
        AutoLynx.Features.PhoneLines.PhoneLineHealthService health, WebhookFreshness freshness, AppDbContext db, CancellationToken ct)
    {
        if (await q.GetSummaryAsync(id, ct) is not { } s) return NotFound(id);
        var line = await health.GetAsync(s.PhoneLineId, askProvider: false, ct);
        if (line is not null) s = s with { LineHealth = AutoLynx.Features.PhoneLines.LineHealthSummary.Of(line) };
        return TypedResults.Ok(s with { Webhooks = await freshness.CheckAsync(db, id, ct) });
    }

    private static async Task<Results<Ok<CampaignSummary>, ProblemHttpResult>> UpdateAsync(long id, UpdateCampaignRequest body, CampaignService s, CampaignQueries q, CancellationToken ct)
        => await CommandAsync(id, (i, c) => s.UpdateAsync(i, body.Name, body.Cap, c,
            body.Policy is { ValueKind: not JsonValueKind.Undefined } p ? p.GetRawText() : null), q, ct);

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(long id, CampaignService s, CancellationToken ct)
    {
        var r = await s.DeleteAsync(id, ct);
        return r.Ok ? TypedResults.NoContent() : ToProblem(r);
    }

    private static async Task<Results<Ok<CampaignSummary>, ProblemHttpResult>> CommandAsync(long id, Func<long, CancellationToken, Task<CommandResult>> command, CampaignQueries q, CancellationToken ct)
    {
        var r = await command(id, ct);
        return r.Ok ? TypedResults.Ok((await q.GetSummaryAsync(id, ct))!) : ToProblem(r);
    }

    /// <summary>Stop: no new calls. With <c>endLiveCalls=true</c> the live calls are also hung up through their control URL.</summary>
    private static async Task<Results<Ok<CampaignSummary>, ProblemHttpResult>> StopAsync(long id, bool? endLiveCalls, CampaignService s, CampaignQueries q, CallControl control, CancellationToken ct)
    {
        var r = await s.StopAsync(id, ct);
        if (!r.Ok) return ToProblem(r);
        if (endLiveCalls == true) await control.EndLiveCallsAsync(id, ct);
        return TypedResults.Ok((await q.GetSummaryAsync(id, ct))!);
    }

    /// <summary>
    /// A new CREATED campaign from this one's contacts (all, or by last outcome: <c>{"outcomes": ["no-answer", "busy"]}</c>,
    /// <c>"not-called"</c> for those never called), owned by the caller. 201 with the new id.
    /// </summary>
    private static async Task<Results<Created<DuplicateCampaignResult>, ValidationProblem, ProblemHttpResult>> DuplicateAsync(long id, DuplicateCampaignRequest? body, CampaignService s, CancellationToken ct)
    {
        var (result, errors, notFound) = await s.DuplicateAsync(id,
            new DuplicateCampaignCommand(body?.Outcomes, body?.Name, body?.AssistantId, body?.PhoneLineId, body?.Cap,
                body?.Policy is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } p ? p.GetRawText() : null), ct);
        if (notFound) return NotFound(id);
        if (errors is not null) return TypedResults.ValidationProblem(errors, title: "The campaign cannot be copied");
        return TypedResults.Created($"/api/campaigns/{result!.CampaignId}", result);
    }

    private static async Task<Results<Ok<ContactPage>, ValidationProblem, ProblemHttpResult>> ContactsAsync(long id, CampaignQueries q, int? page, int? pageSize, string? status, string? search,
        string? sort, bool? desc, string? cursor, CancellationToken ct)
    {
        ContactState? state = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!WireNames.TryParse<ContactState>(status, out var parsed))
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [$"Unknown contact status \"{status}\"; use one of {WireNames.StateList<ContactState>()}."] });
            state = parsed;
        }
        var order = ContactSort.Row;
        if (!string.IsNullOrWhiteSpace(sort) && !ContactSorts.TryParse(sort, out order))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["sort"] = [$"Unknown sort \"{sort}\"; use one of {ContactSorts.Names}."] });
        ContactCursor? after = null;
        if (!string.IsNullOrWhiteSpace(cursor))
        {
            after = ContactCursor.TryDecode(cursor);
            if (after is null)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["cursor"] = ["This cursor is not one this API handed out; use the nextCursor of a page, or leave it out to start again."] });
            // A cursor keeps the order and filters it was made with: a different one asked beside it is a mistake, not a new query.
            if ((!string.IsNullOrWhiteSpace(status) && state != after.State) || (!string.IsNullOrWhiteSpace(sort) && order != after.Sort)
                || (desc is { } d && d != after.Descending) || (!string.IsNullOrWhiteSpace(search) && search.Trim().ToLower() != after.Search))
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["cursor"] = ["This cursor was made for another sort or filter; send it alone (it keeps its own), or start again without it."] });
        }
        var query = new ContactQuery(page ?? 1, pageSize ?? 50, state, search, order, desc ?? false, after);
        return await q.ContactsAsync(id, query, ct) is { } p ? TypedResults.Ok(p) : NotFound(id);
    }

    private static async Task<Results<Ok<IReadOnlyList<CallEventView>>, ProblemHttpResult>> CallEventsAsync(long id, long callId, CampaignQueries q, CancellationToken ct)
        => await q.CallEventsAsync(id, callId, ct) is { } events ? TypedResults.Ok(events)
            : TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"Campaign {id} has no call with id {callId}.");

    private static async Task<Results<Ok<IReadOnlyList<CallView>>, ProblemHttpResult>> CallsAsync(long id, long? contactId, CampaignQueries q, CancellationToken ct)
        => await q.CallsAsync(id, contactId, ct) is { } calls ? TypedResults.Ok(calls) : NotFound(id);

    /// <summary>
    /// Server-Sent Events: one "change" event per campaign or call change, same as the pages see. Every
    /// <see cref="AuthOptions.RevalidateEvery"/> the stream sends a keep-alive comment and re-checks the allowlist, so a revoked
    /// user's stream ends then.
    /// </summary>
    private static async Task EventsAsync(long id, HttpContext http, CampaignQueries q, CampaignEventHub hub,
        IDbContextFactory<AppDbContext> dbs, TimeProvider time, IOptions<AuthOptions> auth, CancellationToken ct)
    {
        if (await q.GetSummaryAsync(id, ct) is null)
        {
            await NotFound(id).ExecuteAsync(http);
            return;
        }
        var principal = http.User;
        var channel = Channel.CreateBounded<CampaignChange?>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
        using var sub = hub.Subscribe(id, c => channel.Writer.WriteAsync(c, ct).AsTask());
        using var beat = new Timer(_ => channel.Writer.TryWrite(null), null, auth.Value.RevalidateEvery, auth.Value.RevalidateEvery);
        http.Response.Headers.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await http.Response.WriteAsync(": connected\n\n", ct);
        await http.Response.Body.FlushAsync(ct);
        try
        {
            await foreach (var change in channel.Reader.ReadAllAsync(ct))
            {
                if (change is null)
                {
                    if (Viewer.From(principal) is not { } viewer || !await AllowlistGate.StillValidAsync(principal, dbs, time, ct)
                        || !await q.VisibleAsync(id, viewer, ct)) break;
                    await http.Response.WriteAsync(": keep-alive\n\n", ct);
                }
                else
                {
                    var json = JsonSerializer.Serialize(change, JsonSerializerOptions.Web);
                    await http.Response.WriteAsync($"event: change\ndata: {json}\n\n", ct);
                }
                await http.Response.Body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) { }
    }

    private static ProblemHttpResult NotFound(long id) => TypedResults.Problem(statusCode: 404, title: "Not found", detail: $"There is no campaign with id {id}.");

    private static ProblemHttpResult ToProblem(CommandResult r) => r switch
    {
        { NotFound: true } => TypedResults.Problem(statusCode: 404, title: "Not found", detail: r.Error),
        { Field: { } field } => ApiProblems.Invalid(new Dictionary<string, string[]> { [field] = [r.Error!] }, title: "The change is not valid"),
        _ => TypedResults.Problem(statusCode: 409, title: "Conflict", detail: r.Error),
    };
}
