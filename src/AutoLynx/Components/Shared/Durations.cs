namespace AutoLynx.Components.Shared;

/// <summary>A call's length as a clock reads it: 0:42, 3:05, 1:02:10.</summary>
public static class Durations
{
    public static string Clock(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss") : t.ToString(@"m\:ss");
    }
}
