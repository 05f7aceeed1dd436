using System.Globalization;
using System.Text;

namespace AutoLynx.Features.Analytics;

/// <summary>
/// The small histograms a rollup cell carries, as text both databases store alike: "key:count,key:count". Keys are
/// whole seconds or ended reasons (Vapi's are made of letters, digits, '.', '-' and '_'; a ',' or ':' in a foreign one
/// is stored as '_').
/// </summary>
public static class CallStatsCodec
{
    public static string? Encode<TKey>(IReadOnlyDictionary<TKey, int> counts) where TKey : notnull
    {
        if (counts.Count == 0) return null;
        var sb = new StringBuilder(counts.Count * 8);
        foreach (var (k, n) in counts.OrderBy(x => x.Key))
        {
            if (sb.Length > 0) sb.Append(',');
            var key = Convert.ToString(k, CultureInfo.InvariantCulture)!;
            sb.Append(key.Replace(',', '_').Replace(':', '_')).Append(':').Append(n.ToString(CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>Adds the counts in <paramref name="text"/> to <paramref name="into"/> (whole-second keys).</summary>
    public static void AddSeconds(string? text, Dictionary<int, long> into)
    {
        foreach (var (key, n) in Pairs(text))
            if (int.TryParse(key.Span, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)) into[s] = into.GetValueOrDefault(s) + n;
    }

    public static void AddReasons(string? text, Dictionary<string, long> into)
    {
        foreach (var (key, n) in Pairs(text)) into[key.ToString()] = into.GetValueOrDefault(key.ToString()) + n;
    }

    private static IEnumerable<(ReadOnlyMemory<char> Key, int Count)> Pairs(string? text)
    {
        if (string.IsNullOrEmpty(text)) yield break;
        var rest = text.AsMemory();
        while (rest.Length > 0)
        {
            var comma = rest.Span.IndexOf(',');
            var pair = comma < 0 ? rest : rest[..comma];
            rest = comma < 0 ? ReadOnlyMemory<char>.Empty : rest[(comma + 1)..];
            var colon = pair.Span.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(pair.Span[(colon + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) continue;
            yield return (pair[..colon], n);
        }
    }
}
