using System.Net;
using System.Text.Json.Nodes;
using AutoLynx.VapiSimulator;

namespace AutoLynx.Vapi.Tests.Simulator;

/// <summary>The recordings a simulated call links to play in a browser: audible, one tone per speaker turn, inline.</summary>
public sealed class SimulatorRecordingTests
{
    [Fact]
    public async Task Recording_TalkedCall_IsAudibleWavWithATonePerTurnServedInline()
    {
        await using var ctx = await SimulatorTestContext.StartAsync(o => o.Outcomes = OutcomeMix.Only(m => m.Talked = 1));
        var id = (await ctx.CreateCallAsync(ctx.CallBody(await ctx.CreateAssistantAsync(), "+14155550123")))["id"]!.GetValue<string>();
        var report = (await ctx.Receiver.WaitForReportAsync(id)).Last(h => h.CallId == id).Message;
        var artifact = report["artifact"]!;
        var turns = ((JsonArray)artifact["messages"]!).Count(m => m!["role"]!.GetValue<string>() is "bot" or "user");
        Assert.True(turns >= 2, $"a talked call has turns, got {turns}");

        using var mono = await ctx.Http.GetAsync(new Uri(artifact["recordingUrl"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, mono.StatusCode);
        Assert.Equal("audio/wav", mono.Content.Headers.ContentType?.MediaType);
        Assert.NotEqual("attachment", mono.Content.Headers.ContentDisposition?.DispositionType); // plays, not downloads
        Assert.Equal("bytes", string.Join(",", mono.Headers.AcceptRanges));
        var wav = await mono.Content.ReadAsByteArrayAsync();
        var (channels, samples) = Pcm(wav);
        Assert.Equal(1, channels);
        Assert.True(samples.Max(s => Math.Abs((int)s)) > 5000, "the recording is silent");
        Assert.Equal(turns, Bursts(samples));

        // Each side alone, and the stereo file with the assistant left and the customer right.
        var assistantTurns = ((JsonArray)artifact["messages"]!).Count(m => m!["role"]!.GetValue<string>() == "bot");
        var (_, assistant) = Pcm(await ctx.Http.GetByteArrayAsync(new Uri(artifact["recording"]!["mono"]!["assistantUrl"]!.GetValue<string>())));
        Assert.Equal(assistantTurns, Bursts(assistant));
        var (stereoChannels, stereo) = Pcm(await ctx.Http.GetByteArrayAsync(new Uri(artifact["stereoRecordingUrl"]!.GetValue<string>())));
        Assert.Equal(2, stereoChannels);
        Assert.Equal(assistantTurns, Bursts(stereo.Where((_, i) => i % 2 == 0).ToArray()));
        Assert.Equal(turns - assistantTurns, Bursts(stereo.Where((_, i) => i % 2 == 1).ToArray()));
    }

    [Fact]
    public async Task Recording_UnknownCall_Answers404()
    {
        await using var ctx = await SimulatorTestContext.StartAsync();
        using var missing = await ctx.Http.GetAsync("/_sim/recordings/no-such-call-mono.wav");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var badName = await ctx.Http.GetAsync("/_sim/recordings/whatever.mp3");
        Assert.Equal(HttpStatusCode.NotFound, badName.StatusCode);
    }

    /// <summary>Channels and 16-bit samples of a PCM WAV (44-byte header).</summary>
    private static (int Channels, short[] Samples) Pcm(byte[] wav)
    {
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(wav, 0, 4));
        Assert.Equal("WAVE", System.Text.Encoding.ASCII.GetString(wav, 8, 4));
        var channels = BitConverter.ToInt16(wav, 22);
        var samples = new short[(wav.Length - 44) / 2];
        Buffer.BlockCopy(wav, 44, samples, 0, samples.Length * 2);
        return (channels, samples);
    }

    /// <summary>Runs of sound separated by at least 50 ms of silence (8 kHz).</summary>
    private static int Bursts(short[] samples)
    {
        var bursts = 0;
        var quiet = int.MaxValue;
        foreach (var s in samples)
        {
            if (Math.Abs((int)s) > 200)
            {
                if (quiet >= 400)
                {
                    bursts++;
                }

                quiet = 0;
            }
            else if (quiet < int.MaxValue)
            {
                quiet++;
            }
        }

        return bursts;
    }
}
