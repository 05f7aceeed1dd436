using AutoLynx.Features.Calls;
using AutoLynx.Features.Engine;
using AutoLynx.Features.Contacts;
using AutoLynx.Wire;

namespace AutoLynx.Features.Campaigns.Export;

/// <summary>
/// Which contacts an export holds: by the contact's status (<c>?status=COMPLETED,FAILED</c>) and by the outcome of its
/// last call (<c>?outcome=talked</c>); empty lists mean "any". <see cref="Excel"/> writes a BOM and a <c>sep=,</c> line.
/// </summary>
public sealed record ExportFilter(IReadOnlyList<ContactState> States, IReadOnlyList<CallOutcome> Outcomes, bool Excel = false)
{
    public static readonly ExportFilter All = new([], []);

    /// <summary>Reads comma-separated (or repeated) values in any spelling <see cref="WireNames.TryParse{T}"/> accepts.</summary>
    public static ExportFilter? TryParse(IEnumerable<string?> status, IEnumerable<string?> outcome, bool excel, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var states = Parse<ContactState>(status, "status", WireNames.StateList<ContactState>(), errors);
        var outcomes = Parse<CallOutcome>(outcome, "outcome", WireNames.KindList<CallOutcome>(), errors);
        return errors.Count > 0 ? null : new ExportFilter(states, outcomes, excel);
    }

    private static List<T> Parse<T>(IEnumerable<string?> raw, string field, string accepted, Dictionary<string, string[]> errors) where T : struct, Enum
    {
        var values = new List<T>();
        var bad = new List<string>();
        foreach (var part in raw.SelectMany(r => (r ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            if (WireNames.TryParse<T>(part, out var v)) { if (!values.Contains(v)) values.Add(v); }
            else bad.Add(part);
        }
        if (bad.Count > 0) errors[field] = [$"Unknown {field} \"{string.Join("\", \"", bad)}\"; use one or more of {accepted}."];
        return values;
    }
}
