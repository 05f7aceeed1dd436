using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AutoLynx.VapiSimulator;

/// <summary>Stable randomness: the same seed and the same parts always give the same numbers, in any process.</summary>
internal static class Seeds
{
    public static Random For(int? seed, params string[] parts) =>
        seed is null ? new Random(Random.Shared.Next()) : new Random(Hash(seed.Value, parts));

    /// <summary>True with probability <paramref name="rate"/>; draws nothing when the rate is 0.</summary>
    public static bool Roll(this Random random, double rate) => rate > 0 && random.NextDouble() < rate;

    public static double Between(this Random random, double min, double max) => min + random.NextDouble() * (max - min);

    public static Guid StableGuid(params string[] parts)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('|', parts))).AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40); // version 4 layout
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes, bigEndian: true);
    }

    private static int Hash(int seed, string[] parts)
    {
        var text = seed.ToString(CultureInfo.InvariantCulture) + "|" + string.Join('|', parts);
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return BitConverter.ToInt32(bytes, 0) & int.MaxValue;
    }
}
