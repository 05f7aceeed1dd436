namespace AutoLynx.Features.Contacts;

/// <summary>A column the name is composed from, and the variable it also gives the assistant (first_name…), if any.</summary>
public sealed record NamePart(int Index, string? Variable);

/// <summary>
/// Where each field is in a header line, after auto-detection and any given (or remembered) mapping: the name's column or
/// parts, the business name, the phone columns in the order they are tried, and the snake_case names of all the others.
/// </summary>
public sealed class ContactHeaders
{
    public required IReadOnlyList<string> Headers { get; init; }
    /// <summary>The name's columns; more than one (or parts detected by their spelling) are joined with spaces.</summary>
    public required NamePart[] Name { get; init; }
    /// <summary>True when the name is composed from parts (first/middle/last), false for one full-name column.</summary>
    public required bool NameComposed { get; init; }
    public required int BusinessName { get; init; }
    /// <summary>Tried in this order; the first valid number is dialled.</summary>
    public required int[] Phones { get; init; }
    /// <summary>Columns kept as variables: (column index, variable name). A name part can appear twice (given_name and first_name).</summary>
    public required (int Index, string Column)[] Extra { get; init; }
    /// <summary>Per header, the name it is stored and reported under.</summary>
    public required IReadOnlyList<string> ColumnNames { get; init; }
    public required MappingSource Source { get; init; }

    /// <summary>The mapping in effect, as header names (the same shape as the request's <c>mapping</c> field).</summary>
    public ContactMapping Mapping => new(Name.Select(p => Headers[p.Index]).ToArray(), [Headers[BusinessName]], Phones.Select(i => Headers[i]).ToArray());

    /// <summary>The variables every contact gives the assistant: name, business_name and the extra columns.</summary>
    public IReadOnlyList<string> Variables => [ContactMapping.NameField, ContactMapping.BusinessNameField, .. Extra.Select(e => e.Column).Distinct()];

    /// <exception cref="ImportRejectedException">A required field is found neither by detection nor in the mapping, or the mapping names a column the file lacks.</exception>
    public static ContactHeaders Resolve(IReadOnlyList<string> headers, ContactMapping? mapping = null, MappingSource source = MappingSource.Given)
    {
        var detected = ContactColumns.Detect(headers);
        mapping ??= ContactMapping.Empty;
        var unknown = new List<string>();
        int[]? Indexes(IReadOnlyList<string>? columns)
        {
            if (columns is null) return null;
            var found = new List<int>(columns.Count);
            foreach (var c in columns)
            {
                var i = FindColumn(headers, c);
                if (i < 0) unknown.Add(c);
                else if (!found.Contains(i)) found.Add(i);
            }
            return found.ToArray();
        }
        var givenName = Indexes(mapping.Name);
        var givenBusiness = Indexes(mapping.BusinessName);
        var givenPhones = Indexes(mapping.Phone);
        if (unknown.Count > 0)
        {
            var list = string.Join(", ", unknown.Distinct().Select(u => $"\"{ContactMapping.Short(u)}\""));
            throw ContactMapping.Invalid(
                (unknown.Count == 1 ? $"The mapping names the column {list}, which the file does not have." : $"The mapping names columns the file does not have: {list}.")
                + $" The file's columns are: {Found(headers, 30)}.");
        }
        if (givenBusiness is { Length: > 1 })
            throw ContactMapping.Invalid("The mapping's business_name must name one column.");

        NamePart[] name;
        bool composed;
        if (givenName is not null)
        {
            composed = givenName.Length > 1;
            name = composed ? givenName.Select((i, n) => new NamePart(i, PartVariable(n, givenName.Length))).ToArray() : [new NamePart(givenName[0], null)];
        }
        else if (detected.FullName >= 0)
        {
            composed = false;
            name = [new NamePart(detected.FullName, null)];
        }
        else
        {
            composed = true;
            name = new[] { (detected.FirstName, "first_name"), (detected.MiddleName, "middle_name"), (detected.LastName, "last_name") }
                .Where(p => p.Item1 >= 0).Select(p => new NamePart(p.Item1, p.Item2)).ToArray();
        }
        var business = givenBusiness is { Length: 1 } ? givenBusiness[0] : detected.BusinessName;
        var phones = givenPhones ?? detected.Phones.ToArray();

        var missing = new List<string>();
        if (name.Length == 0) missing.Add(ContactMapping.NameField);
        if (business < 0) missing.Add(ContactMapping.BusinessNameField);
        if (phones.Length == 0) missing.Add(ContactMapping.PhoneField);
        if (missing.Count > 0)
            throw new ImportRejectedException(
                $"The file is missing the required column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}. " +
                $"The first line must name the columns name (or first and last name), business_name and phone (found: {Found(headers, 10)}); " +
                "or say which columns hold them with a mapping, e.g. {\"business_name\": \"Organization\"}.");

        var fullName = composed ? -1 : name[0].Index;
        var columnNames = new List<string>(headers.Count);
        var used = new HashSet<string>(StringComparer.Ordinal) { ContactMapping.NameField, ContactMapping.BusinessNameField, ContactMapping.PhoneField };
        var extra = new List<(int, string)>();
        for (var i = 0; i < headers.Count; i++)
        {
            string stored;
            if (i == fullName) stored = ContactMapping.NameField;
            else if (i == business) stored = ContactMapping.BusinessNameField;
            else if (i == phones[0]) stored = ContactMapping.PhoneField;
            else
            {
                var snake = ContactColumns.ToSnakeCase(headers[i]);
                if (snake.Length == 0) snake = $"column_{i + 1}";
                stored = snake;
                for (var n = 2; !used.Add(stored); n++) stored = $"{snake}_{n}";
                if (!phones.Contains(i)) extra.Add((i, stored));
            }
            columnNames.Add(stored);
        }
        // Composed names keep their parts as variables, also under the names scripts greet people with.
        foreach (var part in name)
            if (part.Variable is { } v && used.Add(v)) extra.Add((part.Index, v));

        return new ContactHeaders
        {
            Headers = headers, Name = name, NameComposed = composed, BusinessName = business, Phones = phones, Extra = extra.ToArray(),
            ColumnNames = columnNames, Source = mapping.IsEmpty && source == MappingSource.Given ? MappingSource.Detected : source,
        };
    }

    /// <summary>first_name, middle_name, last_name for the parts of a given name mapping (two or three parts).</summary>
    private static string? PartVariable(int n, int count) => n == 0 ? "first_name" : n == count - 1 ? "last_name" : count == 3 ? "middle_name" : null;

    /// <summary>The header a mapping means: exactly as written, else ignoring case, else by <see cref="ContactColumns.Key"/> when only one matches.</summary>
    public static int FindColumn(IReadOnlyList<string> headers, string column)
    {
        var c = column.Trim();
        for (var i = 0; i < headers.Count; i++) if (string.Equals(headers[i], c, StringComparison.Ordinal)) return i;
        for (var i = 0; i < headers.Count; i++) if (string.Equals(headers[i], c, StringComparison.OrdinalIgnoreCase)) return i;
        var key = ContactColumns.Key(c);
        if (key.Length == 0) return -1;
        var match = -1;
        for (var i = 0; i < headers.Count; i++)
        {
            if (ContactColumns.Key(headers[i]) != key) continue;
            if (match >= 0) return -1;
            match = i;
        }
        return match;
    }

    private static string Found(IReadOnlyList<string> headers, int max)
        => string.Join(", ", headers.Take(max).Select(h => $"\"{(h.Length > 40 ? h[..40] + "…" : h)}\"")) + (headers.Count > max ? ", …" : "");
}
