using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Pointer;
using Json.Schema;

namespace AutoLynx.VapiSimulator.Spec;

/// <summary>Turns JsonSchema.Net's hierarchical results into the messages class-validator writes (Vapi's 400 answers):
/// <c>customer.property foo should not exist</c>, <c>name must be shorter than or equal to 40 characters</c>. Of an
/// <c>anyOf</c> (the spec's <c>oneOf</c>) whose branches all fail, only the closest branch (fewest errors) speaks: for a
/// model with <c>provider: "openai"</c> that is the OpenAI model's schema, as Vapi's discriminator would choose.</summary>
internal static partial class SchemaErrors
{
    public static List<string> Describe(EvaluationResults result, Func<Uri, JsonObject?> schemaAt) =>
        [.. Collect(result, schemaAt).Distinct(StringComparer.Ordinal)];

    private static List<string> Collect(EvaluationResults node, Func<Uri, JsonObject?> schemaAt)
    {
        var errors = new List<string>();
        if (node.IsValid)
        {
            return errors;
        }

        foreach (var (keyword, message) in node.Errors ?? new Dictionary<string, string>())
        {
            errors.AddRange(Messages(node, keyword, message, schemaAt));
        }

        var details = node.Details ?? [];
        var branches = details.Where(IsAnyOfBranch).ToList();
        foreach (var child in details.Where(d => !IsAnyOfBranch(d)))
        {
            errors.AddRange(Collect(child, schemaAt));
        }

        if (branches.Count > 0 && branches.All(b => !b.IsValid))
        {
            // "or null" is no explanation when a value is present: the closest other branch speaks.
            var speaking = branches.Where(b => !IsNullOnly(schemaAt(b.SchemaLocation))).DefaultIfEmpty(branches[0]);
            errors.AddRange(speaking.Select(b => Collect(b, schemaAt)).MinBy(e => e.Count)!);
        }

        return errors;
    }

    private static bool IsNullOnly(JsonObject? schema) => schema is { Count: 1 } && schema["type"]?.ToString() == "null";

    private static bool IsAnyOfBranch(EvaluationResults node) =>
        node.EvaluationPath.SegmentCount >= 2 && Segment(node.EvaluationPath, node.EvaluationPath.SegmentCount - 2) == "anyOf";

    private static IEnumerable<string> Messages(EvaluationResults node, string keyword, string message, Func<Uri, JsonObject?> schemaAt)
    {
        var instance = node.InstanceLocation;
        var path = Dotted(instance, instance.SegmentCount);
        var evaluation = node.EvaluationPath;
        if (evaluation.SegmentCount > 0 && Segment(evaluation, evaluation.SegmentCount - 1) == "additionalProperties" && instance.SegmentCount > 0)
        {
            yield return $"{Prefix(instance, instance.SegmentCount - 1)}property {Segment(instance, instance.SegmentCount - 1)} should not exist";
            yield break;
        }

        var schema = schemaAt(node.SchemaLocation);
        var value = schema?[keyword];
        switch (keyword)
        {
            case "type":
                yield return $"{path} {TypeWords(value)}";
                break;
            case "enum":
                yield return $"{path} must be one of the following values: {string.Join(", ", (value as JsonArray ?? []).Where(v => v is not null).Select(v => v!.ToString()))}";
                break;
            case "maxLength":
                yield return $"{path} must be shorter than or equal to {value} characters";
                break;
            case "minLength":
                yield return $"{path} must be longer than or equal to {value} characters";
                break;
            case "minimum":
                yield return $"{path} must not be less than {value}";
                break;
            case "maximum":
                yield return $"{path} must not be greater than {value}";
                break;
            case "minItems":
                yield return $"{path} must contain at least {value} elements";
                break;
            case "maxItems":
                yield return $"{path} must contain no more than {value} elements";
                break;
            case "pattern":
                yield return $"{path} must match {value} regular expression";
                break;
            case "required":
                foreach (Match missing in Quoted().Matches(message))
                {
                    var name = missing.Groups[1].Value;
                    yield return $"{Prefix(instance, instance.SegmentCount)}{name} {Expected(schema?["properties"]?[name] as JsonObject)}";
                }

                break;
            case "format":
                yield return $"{path} {Expected(schema)}";
                break;
            default:
                yield return path.Length == 0 ? message : $"{path}: {message}";
                break;
        }
    }

    /// <summary>What class-validator says of a missing or malformed value: its type, or the date format.</summary>
    private static string Expected(JsonObject? property) =>
        property?["format"]?.ToString() == "date-time" ? "must be a valid ISO 8601 date string"
        : property?["type"] is { } type ? TypeWords(type)
        : "should not be empty";

    private static string TypeWords(JsonNode? type)
    {
        var name = type switch
        {
            JsonArray types => types.Select(t => t!.GetValue<string>()).FirstOrDefault(t => t != "null"),
            JsonValue one => one.GetValue<string>(),
            _ => null,
        };
        return name switch
        {
            "string" => "must be a string",
            "number" or "integer" => "must be a number conforming to the specified constraints",
            "boolean" => "must be a boolean value",
            "object" => "must be an object",
            "array" => "must be an array",
            _ => $"must be of type {name}",
        };
    }

    private static string Dotted(JsonPointer pointer, int count) =>
        string.Join('.', Enumerable.Range(0, count).Select(i => Segment(pointer, i)));

    private static string Prefix(JsonPointer pointer, int count) => count == 0 ? "" : Dotted(pointer, count) + ".";

    private static string Segment(JsonPointer pointer, int index) => pointer[index].ToString();

    [GeneratedRegex("\"([^\"]+)\"")]
    private static partial Regex Quoted();
}
