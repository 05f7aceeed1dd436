namespace AutoLynx.Hosting;

/// <summary>
/// <c>AutoLynx probe [url]</c>: one GET of the readiness endpoint, for a container HEALTHCHECK or a systemd/cron check where no
/// curl is installed. It starts no web host and reads no database: exit 0 on a 2xx answer, 1 on any other answer or none,
/// 2 when the URL is not an absolute http(s) URL. Without a URL it asks this machine's own port for <c>/readyz</c>.
/// </summary>
public static class HealthProbe
{
    public const string Command = "probe";
    public const int Healthy = 0, Unhealthy = 1, BadUsage = 2;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static bool IsProbe(string[] args) => args.Length > 0 && string.Equals(args[0], Command, StringComparison.OrdinalIgnoreCase);

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var given = args.Skip(1).FirstOrDefault();
        var text = given ?? DefaultUrl(Environment.GetEnvironmentVariable);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            await stderr.WriteLineAsync($"probe: '{text}' is not an absolute http or https URL. Usage: AutoLynx probe [http://127.0.0.1:8080/readyz]");
            return BadUsage;
        }
        using var http = new HttpClient(new SocketsHttpHandler
        {
            // The default target is this machine's own listener, whose certificate names the public host, not 127.0.0.1.
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, errors) => errors == System.Net.Security.SslPolicyErrors.None || url.IsLoopback },
        }) { Timeout = Timeout };
        try
        {
            using var resp = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
            var line = $"probe: {url} answered {(int)resp.StatusCode} {resp.ReasonPhrase}";
            if (resp.IsSuccessStatusCode)
            {
                await stdout.WriteLineAsync(line);
                return Healthy;
            }
            await stderr.WriteLineAsync(line);
            return Unhealthy;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await stderr.WriteLineAsync($"probe: {url} did not answer: {(ex is TaskCanceledException ? $"no answer within {Timeout.TotalSeconds:0} s" : ex.Message)}");
            return Unhealthy;
        }
    }

    /// <summary>
    /// Where this installation listens, from the same settings Kestrel reads (ASPNETCORE_URLS, then ASPNETCORE_HTTP_PORTS),
    /// asked on the loopback address; http://127.0.0.1:8080/readyz (the container default) when neither is set.
    /// </summary>
    public static string DefaultUrl(Func<string, string?> env)
    {
        var urls = (env("ASPNETCORE_URLS") ?? env("DOTNET_URLS") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var listen = urls.FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? urls.FirstOrDefault();
        if (listen is not null)
        {
            var scheme = listen[..listen.IndexOf("://", StringComparison.Ordinal)];
            var rest = listen[(scheme.Length + 3)..];
            var port = rest.LastIndexOf(':') is var colon and >= 0 && !rest.EndsWith(']') ? rest[(colon + 1)..].TrimEnd('/') : scheme == "https" ? "443" : "80";
            return $"{scheme}://127.0.0.1:{port}/readyz";
        }
        var httpPort = (env("ASPNETCORE_HTTP_PORTS") ?? env("DOTNET_HTTP_PORTS") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return $"http://127.0.0.1:{httpPort ?? "8080"}/readyz";
    }
}
