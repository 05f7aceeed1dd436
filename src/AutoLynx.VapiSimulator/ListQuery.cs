using System.Globalization;

namespace AutoLynx.VapiSimulator;

/// <summary>The list parameters Vapi's GET endpoints share: limit and createdAt/updatedAt Gt|Lt|Ge|Le.</summary>
internal sealed class ListQuery
{
    private static readonly string[] DateFields = ["createdAt", "updatedAt"];
    private static readonly string[] Operators = ["Gt", "Lt", "Ge", "Le"];

    private readonly List<(bool Created, string Op, DateTimeOffset Value)> _dates = [];

    public int Limit { get; private set; } = 100;

    public Dictionary<string, string> Extras { get; } = new(StringComparer.Ordinal);

    /// <summary>Parses the query; unknown parameters are rejected like Vapi's whitelisting validation does.</summary>
    public static ListQuery Parse(IQueryCollection query, IReadOnlyCollection<string> extraKeys, out List<string> errors)
    {
        errors = [];
        var result = new ListQuery();
        foreach (var (key, values) in query)
        {
            var value = values.ToString();
            if (key == "limit")
            {
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var limit))
                {
                    errors.Add("limit must be a number conforming to the specified constraints");
                }
                else if (limit > 1000)
                {
                    errors.Add("limit must not be greater than 1000");
                }
                else if (limit < 0)
                {
                    errors.Add("limit must not be less than 0");
                }
                else
                {
                    result.Limit = (int)limit;
                }
            }
            else if (TryDateKey(key, out var created, out var op))
            {
                if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                {
                    result._dates.Add((created, op, at));
                }
                else
                {
                    errors.Add($"{key} must be a valid ISO 8601 date string");
                }
            }
            else if (extraKeys.Contains(key))
            {
                result.Extras[key] = value;
            }
            else
            {
                errors.Add($"property {key} should not exist");
            }
        }

        return result;
    }

    public bool Matches(DateTimeOffset createdAt, DateTimeOffset updatedAt)
    {
        foreach (var (created, op, value) in _dates)
        {
            var actual = created ? createdAt : updatedAt;
            var ok = op switch
            {
                "Gt" => actual > value,
                "Lt" => actual < value,
                "Ge" => actual >= value,
                _ => actual <= value,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryDateKey(string key, out bool created, out string op)
    {
        foreach (var field in DateFields)
        {
            foreach (var candidate in Operators)
            {
                if (key == field + candidate)
                {
                    created = field == "createdAt";
                    op = candidate;
                    return true;
                }
            }
        }

        created = false;
        op = "";
        return false;
    }
}
