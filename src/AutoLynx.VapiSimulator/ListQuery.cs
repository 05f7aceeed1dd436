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

    /// <summary>Parses the query of GET <paramref name="specPath"/>; parameters the spec does not list, and values that do
    /// not fit its schema, are refused as Vapi's whitelisting validation refuses them. Other parameters the spec lists
    /// for the path (filters such as <c>assistantId</c>) land in <see cref="Extras"/>.</summary>
    public static ListQuery Parse(string specPath, IQueryCollection query, out List<string> errors)
    {
        errors = [.. Spec.VapiSpec.Instance.ValidateQuery(specPath, query.Select(q => KeyValuePair.Create(q.Key, q.Value.ToString())))];
        var result = new ListQuery();
        if (errors.Count > 0)
        {
            return result;
        }

        foreach (var (key, values) in query)
        {
            var value = values.ToString();
            if (key == "limit")
            {
                result.Limit = (int)double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
            }
            else if (TryDateKey(key, out var created, out var op))
            {
                result._dates.Add((created, op, DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)));
            }
            else
            {
                result.Extras[key] = value;
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
