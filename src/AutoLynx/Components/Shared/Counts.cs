namespace AutoLynx.Components.Shared;

/// <summary>A count with its noun in the right number: "1 contact", "0 contacts", "1,250 contacts".</summary>
public static class Counts
{
    public static string Of(int n, string one, string? many = null) => $"{n:N0} {(n == 1 ? one : many ?? one + "s")}";
}
