using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AutoLynx.VapiSimulator;

/// <summary>Shape validation of a CreateCallDTO, in class-validator's words (Vapi answers these as a message array).</summary>
internal static partial class CallRequestValidator
{
    private static readonly HashSet<string> KnownProperties = new(StringComparer.Ordinal)
    {
        "assistantId", "assistant", "assistantOverrides", "assistantVersion",
        "squadId", "squad", "squadOverrides", "workflowId", "workflow", "workflowOverrides",
        "phoneNumberId", "phoneNumber", "customerId", "customer", "customers",
        "name", "schedulePlan", "transport",
        "type", // Vapi's own sample sends "type":"outboundPhoneCall"
    };

    private static readonly HashSet<string> CustomerProperties = new(StringComparer.Ordinal)
    {
        "number", "name", "email", "externalId", "extension", "sipUri", "numberE164CheckEnabled",
        "assistantOverrides", "squadOverrides", "description",
    };

    private static readonly string[] Unsupported = ["squadId", "squad", "workflowId", "workflow", "customerId", "phoneNumber"];

    public const string E164Message =
        "must be a valid phone number in the E.164 format. Hot tip, you may be missing the country code (Eg. US: +1).";

    public static List<string> Validate(JsonObject body)
    {
        var errors = new List<string>();
        foreach (var (key, _) in body)
        {
            if (!KnownProperties.Contains(key))
            {
                errors.Add($"property {key} should not exist");
            }
        }

        foreach (var key in Unsupported.Where(body.ContainsKey))
        {
            errors.Add($"{key} is not supported by the AutoLynx Vapi simulator");
        }

        if (body["name"] is { } name && (!name.IsString() || name.GetValue<string>().Length > 40))
        {
            errors.Add("name must be shorter than or equal to 40 characters");
        }

        if (body["schedulePlan"] is { } schedulePlan)
        {
            errors.AddRange(ValidateSchedulePlan(schedulePlan));
        }

        if (body["assistantId"] is null && body["assistant"] is null)
        {
            errors.Add("Need Either `assistant` Or `assistantId` Or `squad` Or `squadId` Or `workflow` Or `workflowId`.");
        }

        if (body["assistantId"] is { } assistantId && !assistantId.IsString())
        {
            errors.Add("assistantId must be a UUID");
        }

        if (body["assistant"] is { } assistant)
        {
            errors.AddRange(assistant is JsonObject obj
                ? AssistantSchema.Validate(obj, "assistant.")
                : ["assistant must be an object"]);
        }

        if (body["assistantOverrides"] is { } overrides)
        {
            errors.AddRange(overrides is JsonObject obj
                ? AssistantSchema.Validate(obj, "assistantOverrides.", isOverride: true)
                : ["assistantOverrides must be an object"]);
        }

        if (body["phoneNumberId"] is null)
        {
            errors.Add("Need Either `phoneNumberId` Or `phoneNumber`.");
        }
        else if (!body["phoneNumberId"].IsString())
        {
            errors.Add("phoneNumberId must be a UUID");
        }

        if (body["customers"] is { } customers)
        {
            if (customers is not JsonArray list || list.Count == 0)
            {
                errors.Add("customers must contain at least 1 elements");
            }
            else if (body["customer"] is not null)
            {
                errors.Add("Need Either `customer` Or `customers`, Not Both.");
            }
            else
            {
                for (var i = 0; i < list.Count; i++)
                {
                    errors.AddRange(ValidateCustomer(list[i], $"customers.{i}."));
                }
            }
        }
        else
        {
            errors.AddRange(ValidateCustomer(body["customer"], "customer."));
        }

        return errors;
    }

    /// <summary>SchedulePlan: earliestAt (required), latestAt (optional, not before earliestAt), ISO 8601 strings.</summary>
    private static List<string> ValidateSchedulePlan(JsonNode plan)
    {
        if (plan is not JsonObject obj)
        {
            return ["schedulePlan must be an object"];
        }

        var errors = obj.Where(p => p.Key is not ("earliestAt" or "latestAt"))
            .Select(p => $"schedulePlan.property {p.Key} should not exist").ToList();
        var earliest = ParseDate(obj["earliestAt"]);
        if (obj["earliestAt"] is null || earliest is null)
        {
            errors.Add("schedulePlan.earliestAt must be a valid ISO 8601 date string");
        }

        if (obj["latestAt"] is { } latestNode)
        {
            var latest = ParseDate(latestNode);
            if (latest is null)
            {
                errors.Add("schedulePlan.latestAt must be a valid ISO 8601 date string");
            }
            else if (earliest is not null && latest < earliest)
            {
                errors.Add("schedulePlan.latestAt must be after schedulePlan.earliestAt");
            }
        }

        return errors;
    }

    public static DateTimeOffset? ParseDate(JsonNode? node) =>
        node.IsString() && DateTimeOffset.TryParse(node!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : null;

    private static List<string> ValidateCustomer(JsonNode? node, string prefix)
    {
        if (node is null)
        {
            return ["Need Either `customer` Or `customerId`."];
        }

        if (node is not JsonObject customer)
        {
            return [$"{prefix.TrimEnd('.')} must be an object"];
        }

        var errors = new List<string>();
        foreach (var (key, _) in customer)
        {
            if (!CustomerProperties.Contains(key))
            {
                errors.Add($"{prefix}property {key} should not exist");
            }
        }

        var number = customer.GetString("number");
        var checkE164 = customer.GetBool("numberE164CheckEnabled") != false;
        if (number is null)
        {
            errors.Add($"{prefix}number {E164Message}");
        }
        else if (checkE164 ? !E164().IsMatch(number) : number.Length is < 3 or > 40)
        {
            errors.Add(checkE164 ? $"{prefix}number {E164Message}" : $"{prefix}number must be longer than or equal to 3 characters");
        }

        foreach (var (field, max) in new[] { ("name", 40), ("email", 40), ("externalId", 40), ("extension", 10) })
        {
            if (customer[field] is { } value && (!value.IsString() || value.GetValue<string>().Length > max))
            {
                errors.Add($"{prefix}{field} must be shorter than or equal to {max} characters");
            }
        }

        if (customer["assistantOverrides"] is JsonObject customerOverrides)
        {
            errors.AddRange(AssistantSchema.Validate(customerOverrides, prefix + "assistantOverrides.", isOverride: true));
        }

        return errors;
    }

    [GeneratedRegex(@"^\+[1-9]\d{1,14}$")]
    private static partial Regex E164();
}
