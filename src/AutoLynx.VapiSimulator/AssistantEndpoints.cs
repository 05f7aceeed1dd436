using System.Text.Json.Nodes;

namespace AutoLynx.VapiSimulator;

/// <summary>/assistant CRUD.</summary>
internal static class AssistantEndpoints
{
    public static void MapAssistantEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/assistant", CreateAsync);
        api.MapGet("/assistant", List);
        api.MapGet("/assistant/{id}", Get);
        api.MapPatch("/assistant/{id}", PatchAsync);
        api.MapDelete("/assistant/{id}", Delete);
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, AssistantStore store)
    {
        var (body, error) = await SimJson.ReadObjectAsync(request);
        if (error is not null)
        {
            return error;
        }

        var errors = AssistantSchema.Validate(body!, create: true);
        return errors.Count > 0 ? SimJson.BadRequest(errors) : SimJson.Json(store.Create(body!), StatusCodes.Status201Created);
    }

    private static IResult List(HttpRequest request, AssistantStore store)
    {
        var query = ListQuery.Parse("/assistant", request.Query, out var errors);
        return errors.Count > 0 ? SimJson.BadRequest(errors) : SimJson.Json(new JsonArray([.. store.List(query)]));
    }

    private static IResult Get(string id, AssistantStore store) =>
        store.Get(id) is { } assistant ? SimJson.Json(assistant) : AssistantNotFound();

    private static async Task<IResult> PatchAsync(string id, HttpRequest request, AssistantStore store)
    {
        var (body, error) = await SimJson.ReadObjectAsync(request);
        if (error is not null)
        {
            return error;
        }

        var errors = AssistantSchema.Validate(body!, create: false);
        if (errors.Count > 0)
        {
            return SimJson.BadRequest(errors);
        }

        return store.Patch(id, body!) is { } assistant ? SimJson.Json(assistant) : AssistantNotFound();
    }

    private static IResult Delete(string id, AssistantStore store) =>
        store.Delete(id) is { } assistant ? SimJson.Json(assistant) : AssistantNotFound();

    private static IResult AssistantNotFound() => SimJson.NotFound("Assistant not found");
}
