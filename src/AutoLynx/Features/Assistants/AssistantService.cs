using System.Text.Json;
using System.Text.Json.Nodes;
using AutoLynx.Data;
using AutoLynx.Features.Audit;
using AutoLynx.Features.Campaigns;
using AutoLynx.Hosting;
using AutoLynx.Vapi;
using AutoLynx.Vapi.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutoLynx.Features.Assistants;

/// <summary>
/// The assistant directory. Vapi holds the assistants; every change goes to Vapi first and is stored here only
/// once Vapi accepted it, as the configuration Vapi answered with — so a refused change leaves our copy as it was.
/// Nothing here deletes an assistant unless a person asked for it.
/// </summary>
public sealed class AssistantService(AppDbContext db, VapiClient vapi, VapiConnection connection, IOptions<VapiOptions> options,
    CampaignQueries campaigns, TimeProvider time, ILogger<AssistantService> logger)
{
    /// <summary>Vapi's limit for an assistant's name; ours is the same so the two never disagree.</summary>
    public const int MaxNameLength = 40;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Where Vapi sends this app's webhooks, or null while the public address is unknown.</summary>
    public static string? WebhookUrlFor(string? publicBaseUrl)
        => string.IsNullOrWhiteSpace(publicBaseUrl) ? null : publicBaseUrl.TrimEnd('/') + AssistantJson.WebhookPath;

    public string? WebhookUrl => WebhookUrlFor(connection.PublicBaseUrl);

    // ---- reading ----

    public async Task<List<AssistantView>> ListAsync(bool? active, string? search, CancellationToken ct)
    {
        var q = db.Assistants.AsNoTracking().Where(a => a.DeletedAt == null);
        if (active is { } on) q = q.Where(a => a.Active == on);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().ToLower();
            q = q.Where(a => a.Name.ToLower().Contains(term) || a.ProviderAssistantId.ToLower().Contains(term));
        }
        var rows = await q.OrderBy(a => a.Name).ThenBy(a => a.Id).ToListAsync(ct);
        return rows.Select(ToView).ToList();
    }

    public async Task<AssistantView?> GetAsync(long id, CancellationToken ct)
        => await FindAsync(id, ct) is { } a ? ToView(a) : null;

    private Task<Assistant?> FindAsync(long id, CancellationToken ct)
        => db.Assistants.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.DeletedAt == null, ct);

    // ---- create and import ----

    /// <summary>POSTs the assistant to Vapi once and stores Vapi's id and configuration.</summary>
    public async Task<Outcome<AssistantView>> CreateAsync(CreateAssistantCommand cmd, string? actor, CancellationToken ct)
    {
        AssistantTemplate? template = null;
        if (!string.IsNullOrWhiteSpace(cmd.TemplateId))
        {
            template = AssistantTemplates.Find(cmd.TemplateId);
            if (template is null)
                return AssistantProblem.Invalid("templateId",
                    $"There is no template \"{cmd.TemplateId}\". Known templates: {string.Join(", ", AssistantTemplates.All.Select(t => t.Id))}.");
        }
        if (cmd.Config is null && template is null)
            return AssistantProblem.Invalid("config", "Send the assistant's configuration (config, Vapi assistant JSON) or a templateId.");

        // A template supplies the configuration unless one is sent; a sent config is taken whole.
        var config = AssistantJson.WithoutServerFields(cmd.Config ?? AssistantTemplates.Copy(template!).Config);
        if (AssistantSecrets.FindPlaceholder(config) is { } hidden)
            return AssistantProblem.Invalid("config",
                $"config.{hidden} holds \"{AssistantSecrets.Placeholder}\": a copied configuration has its secrets hidden. Type the real value there.");
        var name = FirstNonBlank(cmd.Name, config["name"] is JsonValue v && v.TryGetValue<string>(out var n) ? n : null, template?.Name);
        if (ValidateName(name) is { } bad) return bad;
        config["name"] = name;
        AssistantJson.BindServer(config, WebhookUrl, options.Value.WebhookSecret);
        AssistantJson.AskForUsedMessages(config);

        VapiAssistant created;
        try
        {
            created = await vapi.CreateAssistantAsync(config, ct);
        }
        catch (VapiApiException ex) { return AssistantProblem.FromVapi(ex, "Vapi could not find what the assistant refers to."); }
        catch (Exception ex) when (IsUnreachable(ex, ct)) { return AssistantProblem.Unreachable(ex); }

        var now = Now;
        var entity = new Assistant
        {
            ProviderAssistantId = created.Id, Name = created.Name ?? name!, Source = template is null ? AssistantSource.Local : AssistantSource.Template,
            ConfigJson = AssistantJson.WithoutWebhookSecret(created.Config()).ToJsonString(), Active = true, CreatedBy = actor,
            CreatedAt = now, UpdatedAt = now, SyncedAt = now,
        };
        db.Assistants.Add(entity);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Vapi has it; we could not store it. Importing the id later recovers it — deleting it would be a flow deleting an assistant.
            logger.LogError("Assistant {ProviderId} was created on Vapi but could not be stored; import it by id", created.Id);
            throw;
        }
        await AuditAsync("assistant.create", entity.Id, actor, new { entity.Name, providerAssistantId = entity.ProviderAssistantId, template = template?.Id }, ct);
        return ToView(entity);
    }

    /// <summary>Reads the assistant from Vapi and adds it, or refreshes the copy we have (never a duplicate).</summary>
    public async Task<Outcome<ImportResult>> ImportAsync(string? providerAssistantId, string? actor, CancellationToken ct)
    {
        var pid = providerAssistantId?.Trim();
        if (string.IsNullOrEmpty(pid)) return AssistantProblem.Invalid("providerAssistantId", "Enter the assistant's id on Vapi.");
        if (pid.Length > 100) return AssistantProblem.Invalid("providerAssistantId", "That is not a Vapi assistant id (too long).");

        VapiAssistant fetched;
        try
        {
            fetched = await vapi.GetAssistantAsync(pid, ct);
        }
        catch (VapiApiException ex) { return AssistantProblem.FromVapi(ex, $"Vapi has no assistant with id {pid}."); }
        catch (Exception ex) when (IsUnreachable(ex, ct)) { return AssistantProblem.Unreachable(ex); }

        var id = string.IsNullOrEmpty(fetched.Id) ? pid : fetched.Id;
        var name = Truncate(FirstNonBlank(fetched.Name) ?? $"Imported assistant {id[..Math.Min(8, id.Length)]}", 100);
        var config = AssistantJson.WithoutWebhookSecret(fetched.Config());
        for (var attempt = 0; ; attempt++)
        {
            var now = Now;
            var existing = await db.Assistants.FirstOrDefaultAsync(a => a.ProviderAssistantId == id, ct);
            var created = existing is null;
            if (existing is null)
            {
                existing = db.Assistants.Add(new Assistant
                {
                    ProviderAssistantId = id, Name = name, Source = AssistantSource.Imported, CreatedBy = actor, CreatedAt = now,
                }).Entity;
            }
            else if (existing.DeletedAt is not null)
            {
                existing.DeletedAt = null; // imported again after a delete: back in the directory
                existing.Active = true;
            }
            existing.Name = name;
            existing.ConfigJson = config.ToJsonString();
            existing.UpdatedAt = now;
            existing.SyncedAt = now;
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Two imports of the same id at once: the unique index let one insert win (or the version token one
                // update); read the row again and update it.
                db.ChangeTracker.Clear();
                continue;
            }
            await AuditAsync("assistant.import", existing.Id, actor, new { existing.Name, providerAssistantId = id, created }, ct);
            return new ImportResult(ToView(existing), created);
        }
    }

    // ---- update ----

    /// <summary>
    /// PATCH on Vapi, then here. The expected version is claimed first (one conditional UPDATE), so of two editors
    /// holding the same version exactly one reaches Vapi; the other gets a conflict. A refusal from Vapi releases the
    /// claim and leaves our copy as it was.
    /// </summary>
    public async Task<Outcome<AssistantView>> UpdateAsync(long id, UpdateAssistantCommand cmd, string? actor, CancellationToken ct)
    {
        var a = await FindAsync(id, ct);
        if (a is null) return AssistantProblem.NotFound(id);
        if (cmd.ExpectedVersion is { } expected && expected != a.Version) return AssistantProblem.Stale(a.Name);

        var patch = cmd.Config is null ? new JsonObject() : AssistantJson.WithoutServerFields(cmd.Config);
        // What we showed had its secrets hidden; sent back unchanged they keep the stored values (also on Vapi).
        var current = AssistantJson.Parse(a.ConfigJson);
        if (!AssistantSecrets.TryRestore(patch, current, out var unresolved))
            return AssistantProblem.Invalid("config",
                $"config.{unresolved} holds \"{AssistantSecrets.Placeholder}\" where AutoLynx hid nothing, or around a hidden value that was changed. " +
                "Type the real value, or send back exactly what was shown.");
        string? newName = null;
        if (cmd.Name is not null)
        {
            newName = cmd.Name.Trim();
            if (ValidateName(newName) is { } bad) return bad;
        }
        else if (patch["name"] is JsonValue pv && pv.TryGetValue<string>(out var fromConfig))
        {
            newName = fromConfig.Trim();
            if (ValidateName(newName) is { } bad) return bad;
        }
        else if (patch.ContainsKey("name"))
        {
            return AssistantProblem.Invalid("name", "An assistant needs a name.");
        }
        if (newName is not null) patch["name"] = newName;
        // Only send what changes: an unchanged name alone is not worth a round trip to Vapi.
        foreach (var key in patch.Select(p => p.Key).ToList())
            if (JsonNode.DeepEquals(patch[key], current[key])) patch.Remove(key);
        if (patch["server"] is JsonObject) AssistantJson.BindServer(patch, WebhookUrl, options.Value.WebhookSecret);
        else if (patch.ContainsKey("server") && WebhookUrl is not null) patch.Remove("server"); // the webhook binding is not the user's to remove
        if (patch.ContainsKey("serverMessages")) AssistantJson.AskForUsedMessages(patch); // never without status-update and the report

        return await WriteAsync(a, patch, cmd.Active, actor, "assistant.update", ct);
    }

    /// <summary>Claims the version, PATCHes Vapi when there is something to send, stores Vapi's answer.</summary>
    private async Task<Outcome<AssistantView>> WriteAsync(Assistant a, JsonObject vapiPatch, bool? active, string? actor, string action, CancellationToken ct)
    {
        if (vapiPatch.Count == 0 && (active is null || active == a.Active)) return ToView(a);

        var claimed = a.Version + 1;
        var won = await db.Assistants.Where(x => x.Id == a.Id && x.Version == a.Version && x.DeletedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Version, claimed), ct);
        if (won == 0) return AssistantProblem.Stale(a.Name);

        var name = a.Name;
        var configJson = a.ConfigJson;
        DateTime? synced = a.SyncedAt;
        if (vapiPatch.Count > 0)
        {
            try
            {
                var updated = await vapi.UpdateAssistantAsync(a.ProviderAssistantId, vapiPatch, ct);
                name = FirstNonBlank(updated.Name) ?? name;
                configJson = AssistantJson.WithoutWebhookSecret(updated.Config()).ToJsonString();
                synced = Now;
            }
            catch (Exception ex) when (ex is VapiApiException || IsUnreachable(ex, ct))
            {
                await db.Assistants.Where(x => x.Id == a.Id && x.Version == claimed)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.Version, a.Version), CancellationToken.None);
                return ex is VapiApiException v
                    ? AssistantProblem.FromVapi(v, $"The assistant \"{a.Name}\" no longer exists on Vapi; it cannot be edited. Delete it here, or import another.")
                    : AssistantProblem.Unreachable(ex);
            }
        }

        var now = Now;
        var isActive = active ?? a.Active;
        var n = await db.Assistants.Where(x => x.Id == a.Id && x.Version == claimed)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Name, name).SetProperty(x => x.ConfigJson, configJson)
                .SetProperty(x => x.Active, isActive).SetProperty(x => x.SyncedAt, synced)
                .SetProperty(x => x.UpdatedAt, now).SetProperty(x => x.Version, claimed + 1), CancellationToken.None);
        if (n == 0)
        {
            // Only an editor who read the claimed version can have moved it on; Vapi has both edits, ours is not stored.
            return AssistantProblem.Stale(a.Name);
        }
        await AuditAsync(action, a.Id, actor, new { fields = vapiPatch.Select(p => p.Key).ToArray(), active }, ct);
        return ToView(await db.Assistants.AsNoTracking().FirstAsync(x => x.Id == a.Id, ct));
    }

    // ---- delete ----

    /// <summary>Removes the assistant from the directory when no unfinished campaign uses it; optionally deletes it on Vapi first.</summary>
    public async Task<Outcome<AssistantView>> DeleteAsync(long id, bool alsoOnVapi, long? expectedVersion, string? actor, CancellationToken ct)
    {
        var a = await db.Assistants.FirstOrDefaultAsync(x => x.Id == id && x.DeletedAt == null, ct);
        if (a is null) return AssistantProblem.NotFound(id);
        if (expectedVersion is { } expected && expected != a.Version) return AssistantProblem.Stale(a.Name);

        var users = await campaigns.UnfinishedUsingAssistantAsync(id, ct);
        if (users.Count > 0)
        {
            var list = string.Join(", ", users.Select(c => $"\"{c.Name}\" ({AutoLynx.Wire.WireNames.State(c.Status).ToLowerInvariant()})"));
            return new AssistantProblem(AssistantProblemKind.InUse, "The assistant is in use",
                $"\"{a.Name}\" cannot be deleted while {(users.Count == 1 ? "this campaign uses" : "these campaigns use")} it: {list}. Stop or finish {(users.Count == 1 ? "it" : "them")} first.")
            { Campaigns = users };
        }

        var deletedOnVapi = false;
        if (alsoOnVapi)
        {
            try
            {
                await vapi.DeleteAssistantAsync(a.ProviderAssistantId, ct);
                deletedOnVapi = true;
            }
            catch (VapiApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Gone on Vapi already: what was asked is true.
            }
            catch (VapiApiException ex) { return AssistantProblem.FromVapi(ex, "Vapi no longer has this assistant."); }
            catch (Exception ex) when (IsUnreachable(ex, ct)) { return AssistantProblem.Unreachable(ex); }
        }

        a.DeletedAt = Now;
        a.Active = false;
        a.UpdatedAt = Now;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return AssistantProblem.Stale(a.Name);
        }
        await AuditAsync("assistant.delete", a.Id, actor, new { a.Name, providerAssistantId = a.ProviderAssistantId, alsoOnVapi, deletedOnVapi }, ct);
        return ToView(a);
    }

    // ---- drift ----

    /// <summary>Compares our copy with Vapi's, changing nothing.</summary>
    public async Task<Outcome<DriftReport>> CompareAsync(long id, CancellationToken ct)
    {
        var a = await FindAsync(id, ct);
        if (a is null) return AssistantProblem.NotFound(id);
        var fetched = await FetchAsync(a, ct);
        if (fetched.Problem is { } p) return p;
        return Report(a, fetched.Value);
    }

    /// <summary>Takes Vapi's configuration as our copy (Vapi is where calls read it from).</summary>
    public async Task<Outcome<DriftReport>> RefreshAsync(long id, long? expectedVersion, string? actor, CancellationToken ct)
    {
        var a = await db.Assistants.FirstOrDefaultAsync(x => x.Id == id && x.DeletedAt == null, ct);
        if (a is null) return AssistantProblem.NotFound(id);
        if (expectedVersion is { } expected && expected != a.Version) return AssistantProblem.Stale(a.Name);
        var fetched = await FetchAsync(a, ct);
        if (fetched.Problem is { } p) return p;
        if (fetched.Value is null)
            return new AssistantProblem(AssistantProblemKind.VapiNotFound, "Not found on Vapi", GoneMessage(a));

        var before = Report(a, fetched.Value);
        var now = Now;
        if (before.Differences.Count == 0)
        {
            // Nothing changed: note the check without a new version, so nobody editing it meets a needless conflict.
            await db.Assistants.Where(x => x.Id == a.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.SyncedAt, now), ct);
            a.SyncedAt = now;
            return before with { Assistant = ToView(a) };
        }
        a.Name = Truncate(FirstNonBlank(fetched.Value.Name) ?? a.Name, 100);
        a.ConfigJson = AssistantJson.WithoutWebhookSecret(fetched.Value.Config()).ToJsonString();
        a.SyncedAt = now;
        a.UpdatedAt = now;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return AssistantProblem.Stale(a.Name);
        }
        await AuditAsync("assistant.refresh", a.Id, actor, new { fields = before.Differences.Select(d => d.Field).ToArray() }, ct);
        return before with { Assistant = ToView(a) };
    }

    /// <summary>Overwrites Vapi's configuration with ours (the other way to settle drift).</summary>
    public async Task<Outcome<AssistantView>> PushAsync(long id, long? expectedVersion, string? actor, CancellationToken ct)
    {
        var a = await FindAsync(id, ct);
        if (a is null) return AssistantProblem.NotFound(id);
        if (expectedVersion is { } expected && expected != a.Version) return AssistantProblem.Stale(a.Name);
        var fetched = await FetchAsync(a, ct);
        if (fetched.Problem is { } p) return p;
        if (fetched.Value is null)
            return new AssistantProblem(AssistantProblemKind.VapiNotFound, "Not found on Vapi", GoneMessage(a));
        var ours = AssistantJson.Parse(a.ConfigJson);
        var patch = AssistantJson.MergePatch(AssistantJson.WithoutWebhookSecret(fetched.Value.Config()), ours);
        if (patch.ContainsKey("server"))
        {
            if (ours["server"] is JsonObject) AssistantJson.BindServer(patch, WebhookUrl, options.Value.WebhookSecret);
            else patch.Remove("server");
        }
        return await WriteAsync(a, patch, null, actor, "assistant.push", ct);
    }

    /// <summary>
    /// For Start: a reason to hold the campaign when Vapi says its assistant is gone, else null. Any other answer
    /// (Vapi down, rate limited) does not block a start; the call engine deals with those per call.
    /// </summary>
    public async Task<string?> GoneOnVapiReasonAsync(long assistantId, CancellationToken ct)
    {
        var a = await db.Assistants.AsNoTracking().FirstOrDefaultAsync(x => x.Id == assistantId, ct);
        if (a is null) return null;
        try
        {
            await vapi.GetAssistantAsync(a.ProviderAssistantId, ct);
            return null;
        }
        catch (VapiApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return $"{GoneMessage(a)} No call was placed. (Vapi: {ex.VapiMessage})";
        }
        catch (Exception ex) when (ex is VapiApiException || IsUnreachable(ex, ct))
        {
            logger.LogWarning("Could not check assistant {Id} on Vapi before start: {Error}", assistantId, ex.Message);
            return null;
        }
    }

    private static string GoneMessage(Assistant a)
        => $"The assistant \"{a.Name}\" no longer exists on Vapi (id {a.ProviderAssistantId}). Create or import another assistant and use it in a new campaign.";

    /// <summary>Vapi's assistant, null when Vapi no longer has it, or a problem.</summary>
    private async Task<Outcome<VapiAssistant?>> FetchAsync(Assistant a, CancellationToken ct)
    {
        try
        {
            return new Outcome<VapiAssistant?>(await vapi.GetAssistantAsync(a.ProviderAssistantId, ct), null);
        }
        catch (VapiApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return new Outcome<VapiAssistant?>(null, null);
        }
        catch (VapiApiException ex) { return new Outcome<VapiAssistant?>(null, AssistantProblem.FromVapi(ex, GoneMessage(a))); }
        catch (Exception ex) when (IsUnreachable(ex, ct)) { return new Outcome<VapiAssistant?>(null, AssistantProblem.Unreachable(ex)); }
    }

    private static DriftReport Report(Assistant a, VapiAssistant? fetched)
    {
        if (fetched is null) return new DriftReport(ToView(a), false, [], GoneMessage(a));
        // Compared with the secrets (a rotated key is drift too), shown without them.
        var diff = AssistantJson.Diff(AssistantJson.Parse(a.ConfigJson), AssistantJson.WithoutWebhookSecret(fetched.Config()))
            .Select(d => new DriftField(d.Field, AssistantSecrets.Redact(d.Field, d.Ours), AssistantSecrets.Redact(d.Field, d.Vapi))).ToList();
        var message = diff.Count == 0
            ? "Our copy matches Vapi."
            : $"Vapi's configuration differs from ours in {diff.Count} {(diff.Count == 1 ? "field" : "fields")}: " +
              string.Join(", ", diff.Select(d => JsonNode.DeepEquals(d.Ours, d.Vapi) ? $"{d.Field} (in hidden values)" : d.Field)) + ".";
        return new DriftReport(ToView(a), true, diff, message);
    }

    // ---- helpers ----

    /// <summary>The assistant as every answer and page shows it: its configuration with every secret redacted.</summary>
    public static AssistantView ToView(Assistant a)
    {
        var config = AssistantJson.Parse(a.ConfigJson); // Redact works on a copy
        return new(a.Id, a.ProviderAssistantId, a.Name, a.Source.ToString().ToLowerInvariant(), a.Active,
            a.CreatedAt, a.UpdatedAt, AssistantSecrets.Redact(config), a.Version, a.SyncedAt, a.CreatedBy, AssistantJson.UnusedServerMessages(config));
    }

    private static AssistantProblem? ValidateName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return AssistantProblem.Invalid("name", "Give the assistant a name.");
        if (name.Trim().Length > MaxNameLength)
            return AssistantProblem.Invalid("name", $"The name is longer than {MaxNameLength} characters, the most Vapi allows.");
        return null;
    }

    private static string? FirstNonBlank(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];

    private static bool IsUnreachable(Exception ex, CancellationToken ct)
        => ex is HttpRequestException || (ex is TaskCanceledException && !ct.IsCancellationRequested);

    private async Task AuditAsync(string action, long id, string? actor, object details, CancellationToken ct)
    {
        db.AuditLog.Add(new AuditLogEntry
        {
            At = Now, Actor = actor ?? "operator", Action = action, EntityType = "assistant", EntityId = id.ToString(),
            Details = JsonSerializer.Serialize(details),
        });
        await db.SaveChangesAsync(ct);
    }
}
