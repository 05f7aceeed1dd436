using System.Text.Json.Nodes;

namespace AutoLynx.VapiSimulator;

/// <summary>/phone-number (read-only: the seeded numbers).</summary>
internal static class PhoneNumberEndpoints
{
    public static void MapPhoneNumberEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/phone-number", List);
        api.MapGet("/phone-number/{id}", Get);
    }

    private static IResult List(HttpRequest request, SimulatorIdentity identity)
    {
        var query = ListQuery.Parse("/phone-number", request.Query, out var errors);
        if (errors.Count > 0)
        {
            return SimJson.BadRequest(errors);
        }

        var numbers = identity.PhoneNumbers
            .Where(_ => query.Matches(identity.StartedAt, identity.StartedAt))
            .Take(query.Limit)
            .Select(p => (JsonNode)identity.PhoneNumberJson(p.Id));
        return SimJson.Json(new JsonArray([.. numbers]));
    }

    private static IResult Get(string id, SimulatorIdentity identity) =>
        identity.FindPhoneNumber(id) is not null
            ? SimJson.Json(identity.PhoneNumberJson(id))
            : SimJson.NotFound("Phone Number not found");
}
