using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AutoLynx.VapiSimulator.Spec;

namespace AutoLynx.VapiSimulator;

/// <summary>Validation of a CreateCallDTO: Vapi's published schema first (unknown properties and bad values, in
/// class-validator's words, as Vapi answers them in a message array), then what the schema cannot say but Vapi's service
/// checks (an assistant and a line are needed, E.164 numbers, a schedule that ends after it starts), and what the
/// simulator does not do (squads, workflows, saved customers, transient numbers).</summary>
internal static partial class CallRequestValidator
{
    private static readonly string[] Unsupported = ["squadId", "squad", "workflowId", "workflow", "customerId", "phoneNumber"];

    public const string E164Message =
        "must be a valid phone number in the E.164 format. Hot tip, you may be missing the country code (Eg. US: +1).";

    public static List<string> Validate(JsonObject body)
    {
        var errors = VapiSpec.Instance.ValidateRequest("CreateCallDTO", body).ToList();
        if (errors.Count > 0)
        {
            return errors;
        }

        foreach (var key in Unsupported.Where(body.ContainsKey))
        {
            errors.Add($"{key} is not supported by the AutoLynx Vapi simulator");
        }

        if (body["schedulePlan"] is { } schedulePlan)
        {
            errors.AddRange(ValidateSchedulePlan(schedulePlan));
        }

        if (body["assistantId"] is null && body["assistant"] is null)
        {
            errors.Add("Need Either `assistant` Or `assistantId` Or `squad` Or `squadId` Or `workflow` Or `workflowId`.");
        }

        if (body["assistant"] is JsonObject assistant)
        {
            errors.AddRange(AssistantSchema.ServerUrlErrors(assistant, "assistant."));
        }

        if (body["assistantOverrides"] is JsonObject overrides)
        {
            errors.AddRange(AssistantSchema.ServerUrlErrors(overrides, "assistantOverrides."));
        }

        if (body["phoneNumberId"] is null)
        {
            errors.Add("Need Either `phoneNumberId` Or `phoneNumber`.");
        }

        if (body["customers"] is JsonArray customers)
        {
            if (customers.Count == 0)
            {
                errors.Add("customers must contain at least 1 elements");
            }
            else if (body["customer"] is not null)
            {
                errors.Add("Need Either `customer` Or `customers`, Not Both.");
            }
            else
            {
                for (var i = 0; i < customers.Count; i++)
                {
                    errors.AddRange(ValidateCustomer(customers[i], $"customers.{i}."));
                }
            }
        }
        else
        {
            errors.AddRange(ValidateCustomer(body["customer"], "customer."));
        }

        return errors;
    }

    /// <summary>SchedulePlan's dates (the spec checks its properties; its date-time format is only an annotation there).</summary>
    private static List<string> ValidateSchedulePlan(JsonNode plan)
    {
        var errors = new List<string>();
        var earliest = ParseDate(plan["earliestAt"]);
        if (earliest is null)
        {
            errors.Add("schedulePlan.earliestAt must be a valid ISO 8601 date string");
        }

        if (plan["latestAt"] is { } latestNode)
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

    /// <summary>The number as Vapi's service checks it (E.164 unless <c>numberE164CheckEnabled</c> is false); the spec
    /// has already checked the customer's properties and lengths.</summary>
    private static List<string> ValidateCustomer(JsonNode? node, string prefix)
    {
        if (node is not JsonObject customer)
        {
            return ["Need Either `customer` Or `customerId`."];
        }

        var number = customer.GetString("number");
        var checkE164 = customer.GetBool("numberE164CheckEnabled") != false;
        if (number is null || (checkE164 && !E164().IsMatch(number)))
        {
            return [$"{prefix}number {E164Message}"];
        }

        return [];
    }

    [GeneratedRegex(@"^\+[1-9]\d{1,14}$")]
    private static partial Regex E164();
}
