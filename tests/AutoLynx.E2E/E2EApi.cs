using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace AutoLynx.E2E;

/// <summary>Set-up through the app's own API and the simulator's control API, so browser tests spend their time in the browser.</summary>
internal static class E2EApi
{
    /// <summary>A CSV of <paramref name="count"/> contacts with distinct valid US numbers (the <paramref name="seed"/> keeps tests apart).</summary>
    public static string Csv(int count, int seed, string extraColumn = "city")
    {
        var csv = new StringBuilder($"name,business_name,phone,{extraColumn}\n");
        for (var i = 0; i < count; i++) csv.Append($"Person {seed}-{i:00},Business {i},+1415{3_000_000 + seed * 1000 + i:0000000},Town {i}\n");
        return csv.ToString();
    }

    /// <param name="policy">The campaign's policy as JSON (calling hours, retries…); null for the defaults.</param>
    /// <param name="assistantId">The assistant to call with; null for the directory's first.</param>
    public static async Task<long> CreateCampaignAsync(HttpClient api, string name, string csv, int cap = 5, string? policy = null, long? assistantId = null)
    {
        var assistants = await api.GetFromJsonAsync<JsonElement>("api/assistants");
        var lines = await api.GetFromJsonAsync<JsonElement>("api/phone-lines");
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "file", "contacts.csv" },
            { new StringContent(name), "name" },
            { new StringContent((assistantId ?? assistants[0].GetProperty("id").GetInt64()).ToString()), "assistantId" },
            { new StringContent(lines[0].GetProperty("id").GetInt64().ToString()), "phoneLineId" },
            { new StringContent(cap.ToString()), "cap" },
        };
        if (policy is not null) form.Add(new StringContent(policy), "policy");
        using var resp = await api.PostAsync("api/campaigns", form);
        var body = await resp.Content.ReadAsStringAsync();
        if (resp.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"Creating {name} answered {(int)resp.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("campaignId").GetInt64();
    }

    public static async Task StartAsync(HttpClient api, long id)
    {
        using var resp = await api.PostAsync($"api/campaigns/{id}/start", null);
        if (!resp.IsSuccessStatusCode) throw new InvalidOperationException($"Start answered {(int)resp.StatusCode}: {await resp.Content.ReadAsStringAsync()}");
    }

    public static async Task<JsonElement> SummaryAsync(HttpClient api, long id) => await api.GetFromJsonAsync<JsonElement>($"api/campaigns/{id}");

    public static async Task<JsonElement> WaitForStatusAsync(HttpClient api, long id, string status, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            var s = await SummaryAsync(api, id);
            if (s.GetProperty("status").GetString() == status) return s;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Campaign {id} is {s.GetProperty("status")}, not {status}.");
            await Task.Delay(250);
        }
    }

    public static async Task<JsonElement> ContactsAsync(HttpClient api, long id)
        => (await api.GetFromJsonAsync<JsonElement>($"api/campaigns/{id}/contacts?pageSize=500")).GetProperty("items");

    /// <summary>Changes the simulator's live settings, e.g. <c>new { outcomes = new { talked = 1, noAnswer = 0 } }</c>.</summary>
    public static async Task SimConfigAsync(HttpClient sim, object settings)
    {
        using var resp = await sim.PutAsJsonAsync("_sim/config", settings);
        if (!resp.IsSuccessStatusCode) throw new InvalidOperationException($"PUT /_sim/config answered {(int)resp.StatusCode}: {await resp.Content.ReadAsStringAsync()}");
    }

    /// <summary>Only these outcomes, by weight; every other weight 0.</summary>
    public static object Outcomes(int talked = 0, int noAnswer = 0, int busy = 0, int voicemail = 0, int failedToConnect = 0) => new
    {
        outcomes = new { talked, noAnswer, busy, voicemail, failedToConnect, forwarded = 0, providerFault = 0, vapiFault = 0 },
    };
}
