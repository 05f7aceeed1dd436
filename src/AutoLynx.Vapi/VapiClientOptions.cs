using Microsoft.Extensions.DependencyInjection;

namespace AutoLynx.Vapi;

public sealed class VapiClientOptions
{
    public Uri BaseUrl { get; set; } = new("https://api.vapi.ai/");
    public string ApiKey { get; set; } = "";
    /// <summary>Per-request timeout. A timeout on POST /call is ambiguous: the call may exist.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

public static class VapiServiceCollectionExtensions
{
    /// <summary>Registers <see cref="VapiClient"/> as a typed HttpClient. <paramref name="configure"/> runs per client creation, so options may change at runtime.</summary>
    public static IHttpClientBuilder AddVapiClient(this IServiceCollection services, Func<IServiceProvider, VapiClientOptions> options)
        => services.AddHttpClient<VapiClient>((sp, http) =>
        {
            var o = options(sp);
            var baseUrl = o.BaseUrl.ToString();
            http.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
            http.Timeout = o.Timeout;
            http.DefaultRequestHeaders.Authorization = new("Bearer", o.ApiKey);
        });
}
