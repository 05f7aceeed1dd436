using AutoLynx.Features.Contacts;
using Microsoft.AspNetCore.Components;

namespace AutoLynx.Features.Campaigns.Pages;

/// <summary>
/// The mapping step of the New campaign page: every column of the file with sample values, and a drop-down per field
/// (full name or first/middle/last, business name, up to four phone columns in the order they are tried).
/// </summary>
public sealed partial class ColumnMappingStep
{
    public const int PhoneSlots = 4;

    [Parameter, EditorRequired] public FileInspection Inspection { get; set; } = default!;
    /// <summary>The mapping in effect (last preview's), or null to start from what detection found.</summary>
    [Parameter] public ContactMapping? Current { get; set; }
    /// <summary>Why the step is shown (a required field not found), or null when the person opened it.</summary>
    [Parameter] public string? Notice { get; set; }
    [Parameter] public bool CanCancel { get; set; }
    [Parameter] public EventCallback<ContactMapping> OnApply { get; set; }
    [Parameter] public EventCallback OnCancel { get; set; }

    private int _full = -1, _first = -1, _middle = -1, _last = -1, _business = -1;
    private int[] _phones = new int[PhoneSlots];
    private string? _error;
    private FileInspection? _initialisedFor;

    protected override void OnParametersSet()
    {
        if (ReferenceEquals(_initialisedFor, Inspection)) return;
        _initialisedFor = Inspection;
        _error = null;
        var d = Inspection.Detected;
        (_full, _first, _middle, _last, _business) = (d.FullName, d.FirstName, d.MiddleName, d.LastName, d.BusinessName);
        var phones = d.Phones.ToList();
        if (Current is { } m)
        {
            var name = Indexes(m.Name);
            if (name.Length == 1) _full = name[0];
            else if (name.Length > 1)
            {
                _full = -1;
                (_first, _middle, _last) = name.Length == 2 ? (name[0], -1, name[1]) : (name[0], name[1], name[^1]);
            }
            if (Indexes(m.BusinessName) is [var b, ..]) _business = b;
            if (m.Phone is not null) phones = Indexes(m.Phone).ToList();
        }
        _phones = Enumerable.Range(0, PhoneSlots).Select(i => i < phones.Count ? phones[i] : -1).ToArray();
    }

    private int[] Indexes(IReadOnlyList<string>? columns)
        => columns is null ? [] : columns.Select(c => ContactHeaders.FindColumn(Inspection.Headers, c)).Where(i => i >= 0).ToArray();

    private async Task ApplyAsync()
    {
        var parts = new[] { _first, _middle, _last }.Where(i => i >= 0).Distinct().ToArray();
        var phones = _phones.Where(i => i >= 0).Distinct().ToArray();
        var missing = new List<string>();
        if (_full < 0 && parts.Length == 0) missing.Add("a name (full name, or first and/or last name)");
        if (_business < 0) missing.Add("the business name");
        if (phones.Length == 0) missing.Add("at least one phone column");
        if (missing.Count > 0)
        {
            _error = $"Choose {string.Join(", ", missing)}.";
            return;
        }
        var h = Inspection.Headers;
        var name = _full >= 0 ? new[] { h[_full] } : parts.Select(i => h[i]).ToArray();
        await OnApply.InvokeAsync(new ContactMapping(name, [h[_business]], phones.Select(i => h[i]).ToArray()));
    }

    /// <summary>What a column is used for under the current choices, or null when it is kept as a variable.</summary>
    private string? UsedAs(int i)
    {
        if (i == _full) return "Name";
        if (i == _business) return "Business name";
        var phone = Array.IndexOf(_phones, i);
        if (phone >= 0) return phone == 0 ? "Phone (1st)" : $"Phone ({phone + 1}.)";
        if (_full < 0 && (i == _first || i == _middle || i == _last)) return i == _first ? "Name: first" : i == _middle ? "Name: middle" : "Name: last";
        return null;
    }

    /// <summary>The header, or "(column 3)" for one without a name; "Phone (2)" for the second of two same-named columns.</summary>
    private string Label(int i)
    {
        var h = Inspection.Headers[i];
        if (h.Length == 0) return $"(column {i + 1})";
        var earlier = 0;
        for (var j = 0; j < i; j++) if (Inspection.Headers[j] == h) earlier++;
        return earlier == 0 ? h : $"{h} ({earlier + 1})";
    }
}
