using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutoLynx.Vapi.Models;

namespace AutoLynx.Vapi;

/// <summary>
/// Typed client for the subset of Vapi's REST API AutoLynx uses. Every non-2xx answer becomes a
/// <see cref="VapiApiException"/>. It never retries by itself: a retried POST /call can ring a person
/// twice (Vapi has no idempotency key), so retry decisions belong to the caller, who can look the call up first.
/// </summary>
public sealed class VapiClient(HttpClient http)
{
    public HttpClient Http => http;

    // ---- calls ----

    public async Task<CreateCallResult> CreateCallAsync(CreateCallRequest request, CancellationToken ct = default)
    {
        using var resp = await http.PostAsJsonAsync("call", request, VapiJson.Options, ct);
        var body = await ReadOrThrowAsync(resp, ct);
        // A 2xx means the call exists: a body we cannot read is reported with that 2xx status, so the caller knows.
        try
        {
            var node = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("not a JSON object");
            var limits = node["subscriptionLimits"]?.Deserialize<VapiSubscriptionLimits>(VapiJson.Options);
            var call = node.Deserialize<VapiCall>(VapiJson.Options);
            if (string.IsNullOrEmpty(call?.Id)) throw new JsonException("no call id");
            return new CreateCallResult(call, limits);
        }
        catch (JsonException ex)
        {
            throw new VapiApiException(resp.StatusCode, [$"Vapi answered POST /call with {(int)resp.StatusCode} but its body could not be read ({ex.Message})."], null,
                body.Length > 2000 ? body[..2000] : body);
        }
    }

    public Task<VapiCall> GetCallAsync(string id, CancellationToken ct = default)
        => GetAsync<VapiCall>($"call/{Uri.EscapeDataString(id)}", ct);

    public Task<List<VapiCall>> ListCallsAsync(ListCallsQuery? query = null, CancellationToken ct = default)
        => GetAsync<List<VapiCall>>("call" + ToQueryString(query), ct);

    public async Task<VapiCall> DeleteCallAsync(string id, CancellationToken ct = default)
    {
        using var req = new HttpRequestMessage(HttpMethod.Delete, $"call/{Uri.EscapeDataString(id)}") { Content = JsonContent.Create(new { }) };
        return await SendAsync<VapiCall>(req, ct);
    }

    /// <summary>Ends a live call through its <c>monitor.controlUrl</c> (a hang-up; DELETE /call only erases data).</summary>
    public async Task EndCallAsync(string controlUrl, CancellationToken ct = default)
    {
        using var req = new HttpRequestMessage(HttpMethod.Post, controlUrl)
        {
            Content = new StringContent("{\"type\":\"end-call\"}", Encoding.UTF8, "application/json"),
        };
        using var resp = await http.SendAsync(req, ct);
        await ReadOrThrowAsync(resp, ct);
    }

    // ---- assistants ----

    public async Task<VapiAssistant> CreateAssistantAsync(JsonObject config, CancellationToken ct = default)
    {
        using var resp = await http.PostAsync("assistant", JsonBody(config), ct);
        return ToAssistant(await ReadOrThrowAsync(resp, ct), resp);
    }

    public async Task<VapiAssistant> GetAssistantAsync(string id, CancellationToken ct = default)
    {
        using var resp = await http.GetAsync($"assistant/{Uri.EscapeDataString(id)}", ct);
        return ToAssistant(await ReadOrThrowAsync(resp, ct), resp);
    }

    public async Task<List<VapiAssistant>> ListAssistantsAsync(int? limit = null, CancellationToken ct = default)
    {
        using var resp = await http.GetAsync("assistant" + (limit is { } l ? $"?limit={l}" : ""), ct);
        var body = await ReadOrThrowAsync(resp, ct);
        return (JsonNode.Parse(body) as JsonArray ?? [])
            .OfType<JsonObject>().Select(o => new VapiAssistant((JsonObject)o.DeepClone())).ToList();
    }

    public async Task<VapiAssistant> UpdateAssistantAsync(string id, JsonObject patch, CancellationToken ct = default)
    {
        using var resp = await http.PatchAsync($"assistant/{Uri.EscapeDataString(id)}", JsonBody(patch), ct);
        return ToAssistant(await ReadOrThrowAsync(resp, ct), resp);
    }

    public async Task<VapiAssistant> DeleteAssistantAsync(string id, CancellationToken ct = default)
    {
        using var resp = await http.DeleteAsync($"assistant/{Uri.EscapeDataString(id)}", ct);
        return ToAssistant(await ReadOrThrowAsync(resp, ct), resp);
    }

    // ---- phone numbers ----

    public Task<List<VapiPhoneNumber>> ListPhoneNumbersAsync(int? limit = null, CancellationToken ct = default)
        => GetAsync<List<VapiPhoneNumber>>("phone-number" + (limit is { } l ? $"?limit={l}" : ""), ct);

    public Task<VapiPhoneNumber> GetPhoneNumberAsync(string id, CancellationToken ct = default)
        => GetAsync<VapiPhoneNumber>($"phone-number/{Uri.EscapeDataString(id)}", ct);

    // ---- plumbing ----

    private async Task<T> GetAsync<T>(string path, CancellationToken ct)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync<T>(req, ct);
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage req, CancellationToken ct)
    {
        using var resp = await http.SendAsync(req, ct);
        var body = await ReadOrThrowAsync(resp, ct);
        try
        {
            return JsonSerializer.Deserialize<T>(body, VapiJson.Options)
                   ?? throw new VapiApiException(resp.StatusCode, ["Vapi answered with an empty body."], null, body);
        }
        catch (JsonException ex)
        {
            throw new VapiApiException(resp.StatusCode, [$"Vapi's answer could not be read: {ex.Message}"], null, body);
        }
    }

    private static VapiAssistant ToAssistant(string body, HttpResponseMessage resp)
        => JsonNode.Parse(body) is JsonObject o ? new VapiAssistant(o)
           : throw new VapiApiException(resp.StatusCode, ["Vapi answered with something that is not an assistant."], null, body);

    private static StringContent JsonBody(JsonNode node)
        => new(node.ToJsonString(VapiJson.Options), Encoding.UTF8, "application/json");

    private static async Task<string> ReadOrThrowAsync(HttpResponseMessage resp, CancellationToken ct)
    {
        var body = await resp.Content.ReadAsStringAsync(ct);
        if (resp.IsSuccessStatusCode) return body;
        throw VapiApiException.FromResponse(resp.StatusCode, body, RetryAfterOf(resp.Headers.RetryAfter));
    }

    private static TimeSpan? RetryAfterOf(RetryConditionHeaderValue? h)
        => h?.Delta ?? (h?.Date is { } d ? d - DateTimeOffset.UtcNow : null);

    internal static string ToQueryString(ListCallsQuery? q)
    {
        if (q is null) return "";
        var parts = new List<string>();
        void Add(string k, string? v) { if (v is not null) parts.Add($"{k}={Uri.EscapeDataString(v)}"); }
        static string? D(DateTimeOffset? d) => d?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        Add("id", q.Id); Add("assistantId", q.AssistantId); Add("phoneNumberId", q.PhoneNumberId);
        Add("limit", q.Limit?.ToString(CultureInfo.InvariantCulture));
        Add("createdAtGt", D(q.CreatedAtGt)); Add("createdAtLt", D(q.CreatedAtLt));
        Add("createdAtGe", D(q.CreatedAtGe)); Add("createdAtLe", D(q.CreatedAtLe));
        Add("updatedAtGt", D(q.UpdatedAtGt)); Add("updatedAtLt", D(q.UpdatedAtLt));
        Add("updatedAtGe", D(q.UpdatedAtGe)); Add("updatedAtLe", D(q.UpdatedAtLe));
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}
