using System.Globalization;
using System.Text.Json.Nodes;

namespace AutoLynx.VapiSimulator;

/// <summary>The simulated org and its phone numbers. Ids are stable for a given seed and number, so an app that
/// stored them keeps working after a simulator restart.</summary>
internal sealed class SimulatorIdentity
{
    private readonly Dictionary<string, JsonObject> _phoneJson = new(StringComparer.Ordinal);

    public SimulatorIdentity(SimulatorOptions options, TimeProvider time)
    {
        var seed = options.Seed?.ToString(CultureInfo.InvariantCulture) ?? "none";
        OrgId = Seeds.StableGuid("org", seed).ToString();
        StartedAt = SimJson.ToMilliseconds(time.GetUtcNow());

        var numbers = new List<SimPhoneNumber>();
        foreach (var entry in options.PhoneNumbers.Where(n => !string.IsNullOrWhiteSpace(n)).Distinct())
        {
            var (provider, number) = entry.StartsWith("vapi:", StringComparison.OrdinalIgnoreCase)
                ? ("vapi", entry[5..].Trim())
                : ("twilio", entry.Replace("twilio:", "", StringComparison.OrdinalIgnoreCase).Trim());
            var id = Seeds.StableGuid("phone-number", seed, number).ToString();
            var phone = new SimPhoneNumber(id, number, provider, $"Simulated line {numbers.Count + 1}");
            numbers.Add(phone);
            _phoneJson[id] = ToJson(phone, number);
        }

        PhoneNumbers = numbers;
    }

    public string OrgId { get; }

    public DateTimeOffset StartedAt { get; }

    public IReadOnlyList<SimPhoneNumber> PhoneNumbers { get; }

    public SimPhoneNumber? FindPhoneNumber(string id) => PhoneNumbers.FirstOrDefault(p => p.Id == id);

    public JsonObject PhoneNumberJson(string id) => (JsonObject)_phoneJson[id].DeepClone();

    private JsonObject ToJson(SimPhoneNumber phone, string number)
    {
        var json = new JsonObject
        {
            ["id"] = phone.Id,
            ["orgId"] = OrgId,
            ["provider"] = phone.Provider,
            ["number"] = number,
            ["name"] = phone.Name,
            ["status"] = "active",
            ["createdAt"] = SimJson.Iso(StartedAt),
            ["updatedAt"] = SimJson.Iso(StartedAt),
        };
        if (phone.Provider == "twilio")
        {
            json["twilioAccountSid"] = "AC" + Seeds.StableGuid("twilio-account", OrgId).ToString("N");
        }

        return json;
    }
}
