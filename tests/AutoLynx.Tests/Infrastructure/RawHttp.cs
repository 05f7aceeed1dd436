using System.Net.Sockets;
using System.Text;

namespace AutoLynx.Tests.Infrastructure;

/// <summary>What the server answered to a request whose body was only partly sent before the answer.</summary>
/// <param name="Status">The response status code.</param>
/// <param name="Headers">Response headers, names lower-cased.</param>
/// <param name="SentBeforeAnswer">Body bytes the client had sent when the answer arrived.</param>
/// <param name="Rest">The rest of the body the client then tried to send.</param>
/// <param name="RestAccepted">How much of <paramref name="Rest"/> the connection took before it broke. A server that
/// reads (or drains) the body takes all of it; one that hangs up takes at most what the sockets' buffers hold.</param>
public sealed record PartialAnswer(int Status, IReadOnlyDictionary<string, string> Headers, long SentBeforeAnswer, long Rest, long RestAccepted);

/// <summary>
/// HTTP/1.1 over a bare socket, for what HttpClient cannot show: a request that announces a large body, sends a
/// little of it and waits for the answer, then tries to send the rest, so a test can tell whether the server answered
/// without reading the body and whether it then read it anyway.
/// </summary>
public static class RawHttp
{
    /// <summary>Guards a test against a server that waits for a body that never comes (it fails instead of hanging).</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    /// <summary>
    /// POSTs to <paramref name="path"/> announcing <paramref name="length"/> bytes (or, when <paramref name="chunked"/>,
    /// sending them chunked), sends body bytes in 64 KB pieces until <paramref name="sendBeforeAnswer"/> bytes are out or
    /// the server answers, reads the answer, then tries to send the rest.
    /// </summary>
    public static async Task<PartialAnswer> PostPartiallyAsync(Uri baseUrl, string path, IDictionary<string, string> headers, long length, bool chunked,
        long sendBeforeAnswer)
    {
        using var guard = new CancellationTokenSource(HangGuard);
        var ct = guard.Token;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseUrl.Host, baseUrl.Port, ct);
        var stream = tcp.GetStream();
        var head = new StringBuilder($"POST {path} HTTP/1.1\r\nHost: {baseUrl.Authority}\r\nContent-Type: application/json\r\n");
        foreach (var (k, v) in headers) head.Append($"{k}: {v}\r\n");
        head.Append(chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {length}\r\n").Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), ct);

        var piece = Encoding.ASCII.GetBytes("{\"message\":{\"type\":\"status-update\",\"pad\":\"" + new string('x', 64 * 1024 - 44));
        async Task SendPieceAsync()
        {
            if (chunked) await stream.WriteAsync(Encoding.ASCII.GetBytes($"{piece.Length:X}\r\n"), ct);
            await stream.WriteAsync(piece, ct);
            if (chunked) await stream.WriteAsync("\r\n"u8.ToArray(), ct);
        }

        // The answer is read concurrently: the server may answer while the body is still going out.
        var reading = ReadResponseHeadAsync(stream, ct);
        long sent = 0;
        while (sent + piece.Length <= sendBeforeAnswer && !reading.IsCompleted)
        {
            try { await SendPieceAsync(); }
            catch (IOException) { break; } // the server hung up after answering
            sent += piece.Length;
        }
        var (status, responseHeaders) = await reading;

        var rest = length - sent;
        long accepted = 0;
        try
        {
            while (accepted + piece.Length <= rest)
            {
                await SendPieceAsync();
                accepted += piece.Length;
            }
        }
        catch (IOException) { } // broken pipe or reset: the server is gone
        return new PartialAnswer(status, responseHeaders, sent, rest, accepted);
    }

    private static async Task<(int Status, Dictionary<string, string> Headers)> ReadResponseHeadAsync(NetworkStream stream, CancellationToken ct)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (!(bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n'))
        {
            if (await stream.ReadAsync(one, ct) == 0) throw new IOException("The server closed the connection without an answer.");
            bytes.Add(one[0]);
        }
        var lines = Encoding.ASCII.GetString(bytes.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var status = int.Parse(lines[0].Split(' ')[1]);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0) headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }
        return (status, headers);
    }
}
