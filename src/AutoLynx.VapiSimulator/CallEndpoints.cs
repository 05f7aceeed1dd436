using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;

namespace AutoLynx.VapiSimulator;

/// <summary>/call: create, list, get, patch (name), delete, and the live-call controlUrl.</summary>
internal static class CallEndpoints
{

    public static void MapCallEndpoints(this RouteGroupBuilder api, IEndpointRouteBuilder root)
    {
        api.MapPost("/call", CreateAsync);
        api.MapGet("/call", List);
        api.MapGet("/call/{id}", Get);
        api.MapPatch("/call/{id}", PatchAsync);
        api.MapDelete("/call/{id}", Delete);

        // Vapi's controlUrl lives on another host and needs the key only with monitorPlan.controlAuthenticationEnabled.
        root.MapPost("/call/{id}/control", ControlAsync);
    }

    public static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}";

    private static async Task<IResult> CreateAsync(HttpContext http, CallLauncher launcher, IHostApplicationLifetime lifetime)
    {
        var (body, error) = await SimJson.ReadObjectAsync(http.Request);
        if (error is not null)
        {
            return error;
        }

        var (result, fault) = launcher.Launch(body!, BaseUrl(http.Request));
        if (fault == CreateFault.TimeoutAfterCreate)
        {
            // The call exists and is dialling; the caller only sees a request that never answers.
            try
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
                await Task.Delay(TimeSpan.FromSeconds(100), wait.Token);
            }
            catch (OperationCanceledException)
            {
                return Results.Empty;
            }

            return SimJson.Json(new JsonObject { ["statusCode"] = 504, ["message"] = "Gateway Timeout" }, StatusCodes.Status504GatewayTimeout);
        }

        return result;
    }

    private static IResult List(HttpRequest request, CallStore store)
    {
        var query = ListQuery.Parse("/call", request.Query, out var errors);
        if (errors.Count > 0)
        {
            return SimJson.BadRequest(errors);
        }

        var calls = store.Visible();
        store.CountListRequest();
        return SimJson.Json(writer =>
        {
            writer.WriteStartArray();
            var count = 0;
            foreach (var call in calls)
            {
                if (count >= query.Limit)
                {
                    break;
                }

                lock (call.Gate)
                {
                    if (query.Matches(call.CreatedAt, call.UpdatedAt)
                        && Matches(query, "id", call.Id)
                        && Matches(query, "assistantId", call.AssistantId)
                        && Matches(query, "phoneNumberId", call.PhoneNumber.Id))
                    {
                        call.WriteBody(writer);
                        count++;
                    }
                }
            }

            writer.WriteEndArray();
        });
    }

    private static IResult Get(string id, CallStore store, FaultInjector faults)
    {
        if (store.Find(id) is not { } call)
        {
            return CallNotFound();
        }

        if (call.LookupsFail)
        {
            faults.CountLookupFailure();
            return SimJson.Error(StatusCodes.Status503ServiceUnavailable, "Service Unavailable", System.Text.Json.Nodes.JsonValue.Create("Service Unavailable")!);
        }

        lock (call.Gate)
        {
            return SimJson.Json(call.BodyBytes());
        }
    }

    private static async Task<IResult> PatchAsync(string id, HttpRequest request, CallStore store, TimeProvider time)
    {
        var (body, error) = await SimJson.ReadObjectAsync(request);
        if (error is not null)
        {
            return error;
        }

        var fields = body!;
        var errors = fields.Where(p => p.Key != "name").Select(p => $"property {p.Key} should not exist").ToList();
        if (fields["name"] is { } name && (!name.IsString() || name.GetValue<string>().Length > 40))
        {
            errors.Add("name must be shorter than or equal to 40 characters");
        }

        if (errors.Count > 0)
        {
            return SimJson.BadRequest(errors);
        }

        if (store.Find(id) is not { } call)
        {
            return CallNotFound();
        }

        lock (call.Gate)
        {
            var now = SimJson.ToMilliseconds(time.GetUtcNow());
            var edited = call.EditableBody();
            if (fields["name"] is { } newName)
            {
                edited["name"] = newName.DeepClone();
            }

            call.UpdatedAt = now;
            edited["updatedAt"] = SimJson.Iso(now);
            if (call.IsFrozen)
            {
                call.ReplaceFrozenBody(edited);
            }

            return SimJson.Json(call.BodyBytes());
        }
    }

    /// <summary>Deletes the call's data (it disappears from GET); like Vapi, this is not a hang-up, except that a call
    /// still waiting on its schedulePlan is cancelled (scheduled-call-deleted).</summary>
    private static IResult Delete(string id, CallStore store, CallLifecycle lifecycle)
    {
        if (store.Find(id) is { Status: "scheduled" } scheduled)
        {
            lifecycle.EndNow(scheduled, "scheduled-call-deleted");
        }

        if (store.Remove(id) is not { } call)
        {
            return CallNotFound();
        }

        lock (call.Gate)
        {
            return SimJson.Json(call.BodyBytes());
        }
    }

    private static async Task<IResult> ControlAsync(string id, HttpRequest request, CallStore store, CallLifecycle lifecycle, SimulatorOptions options)
    {
        if (store.Find(id) is not { } call)
        {
            return CallNotFound();
        }

        if (call.ControlAuthenticationEnabled && !ApiKeyFilter.IsAuthorized(request, options.ApiKey))
        {
            return ApiKeyFilter.Unauthorized();
        }

        var (body, error) = await SimJson.ReadObjectAsync(request);
        if (error is not null)
        {
            return error;
        }

        var type = body!.GetString("type");
        if (type is null)
        {
            return SimJson.BadRequest(["type must be a string"]);
        }

        if (type == "end-call")
        {
            lifecycle.EndNow(call, "manually-canceled");
        }

        // say, add-message, control, transfer: accepted and ignored.
        return SimJson.Json(new JsonObject());
    }

    private static bool Matches(ListQuery query, string key, string? actual) =>
        !query.Extras.TryGetValue(key, out var wanted) || wanted == actual;

    private static IResult CallNotFound() => SimJson.NotFound("Call not found");
}
