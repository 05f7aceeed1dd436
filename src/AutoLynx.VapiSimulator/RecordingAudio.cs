using System.Text.Json.Nodes;

namespace AutoLynx.VapiSimulator;

/// <summary>
/// The audio behind a simulated call's recording URLs: a short tone per speaker turn of its transcript (the assistant
/// higher, the customer lower), so a player in the browser has something to play that follows the conversation. Turns
/// are played one after another, not at their (compressed) times; 8 kHz, 16-bit PCM WAV.
/// </summary>
internal static class RecordingAudio
{
    private const int SampleRate = 8000;
    private const double AssistantHz = 660;
    private const double CustomerHz = 440;
    private const double Gap = 0.18;
    private const short Amplitude = 9000;

    /// <summary>Which of a call's recordings: the mixed mono file, the stereo file (assistant left, customer right), or one side.</summary>
    public enum Track { Combined, Stereo, Assistant, Customer }

    /// <summary>Reads "{callId}-mono.wav", "-stereo.wav", "-assistant.wav" or "-customer.wav".</summary>
    public static bool TryParseFile(string file, out string callId, out Track track)
    {
        callId = "";
        track = Track.Combined;
        if (!file.EndsWith(".wav", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var stem = file[..^4];
        var dash = stem.LastIndexOf('-');
        if (dash <= 0)
        {
            return false;
        }

        (callId, var kind) = (stem[..dash], stem[(dash + 1)..]);
        switch (kind)
        {
            case "mono": track = Track.Combined; return true;
            case "stereo": track = Track.Stereo; return true;
            case "assistant": track = Track.Assistant; return true;
            case "customer": track = Track.Customer; return true;
            default: return false;
        }
    }

    /// <summary>The turns of an ended call's artifact.messages (system prompt left out) as (is the assistant, characters).</summary>
    public static List<(bool Assistant, int Characters)> Turns(JsonNode? body)
    {
        var turns = new List<(bool, int)>();
        if (body?["artifact"]?["messages"] is not JsonArray messages)
        {
            return turns;
        }

        foreach (var m in messages)
        {
            var role = m.GetString("role");
            if (role is "bot" or "assistant" or "user")
            {
                turns.Add((role != "user", m.GetString("message")?.Length ?? 0));
            }
        }

        return turns;
    }

    /// <summary>A WAV of the turns; one second of silence when nothing was said (the call never connected).</summary>
    public static byte[] Wav(IReadOnlyList<(bool Assistant, int Characters)> turns, Track track)
    {
        var channels = track == Track.Stereo ? 2 : 1;
        var layout = new List<(int Start, int Length, bool Assistant)>();
        var at = (int)(Gap * SampleRate);
        foreach (var (assistant, characters) in turns)
        {
            var seconds = Math.Clamp(0.3 + characters / 80.0, 0.3, 1.2);
            var length = (int)(seconds * SampleRate);
            layout.Add((at, length, assistant));
            at += length + (int)(Gap * SampleRate);
        }

        var frames = Math.Max(at, SampleRate);
        var samples = new short[frames * channels];
        foreach (var (start, length, assistant) in layout)
        {
            if ((track == Track.Assistant && !assistant) || (track == Track.Customer && assistant))
            {
                continue;
            }

            var hz = assistant ? AssistantHz : CustomerHz;
            var fade = Math.Min(length / 4, SampleRate / 50); // 20 ms in and out: no clicks
            for (var i = 0; i < length; i++)
            {
                var envelope = Math.Min(1.0, Math.Min(i, length - 1 - i) / (double)Math.Max(1, fade));
                var value = (short)(Amplitude * envelope * Math.Sin(2 * Math.PI * hz * i / SampleRate));
                var frame = start + i;
                if (channels == 1)
                {
                    samples[frame] = value;
                }
                else
                {
                    samples[frame * 2 + (assistant ? 0 : 1)] = value;
                }
            }
        }

        return Encode(samples, channels);
    }

    private static byte[] Encode(short[] samples, int channels)
    {
        var dataLength = samples.Length * 2;
        using var stream = new MemoryStream(44 + dataLength);
        using var writer = new BinaryWriter(stream);
        writer.Write("RIFF"u8);
        writer.Write(36 + dataLength);
        writer.Write("WAVEfmt "u8);
        writer.Write(16);
        writer.Write((short)1); // PCM
        writer.Write((short)channels);
        writer.Write(SampleRate);
        writer.Write(SampleRate * 2 * channels);
        writer.Write((short)(2 * channels));
        writer.Write((short)16);
        writer.Write("data"u8);
        writer.Write(dataLength);
        foreach (var s in samples)
        {
            writer.Write(s);
        }

        writer.Flush();
        return stream.ToArray();
    }
}
