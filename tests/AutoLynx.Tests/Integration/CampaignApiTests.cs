using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AutoLynx.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Tests.Integration;

/// <summary>Campaign management through the API: list filters and paging, PATCH, DELETE, contact sorting and filters.</summary>
public sealed class CampaignApiTests(ImportHostFixture fixture) : IClassFixture<ImportHostFixture>
{
    private readonly AppHost _app = fixture.App;

    [Fact]
    public async Task List_FilterByStatusSearchByNameAndPage()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var a = await _app.CreateCampaignAsync(AppHost.SampleCsv(2), name: $"Alpha {tag}");
        var b = await _app.CreateCampaignAsync(AppHost.SampleCsv(2), name: $"Beta {tag}");
        var c = await _app.CreateCampaignAsync(AppHost.SampleCsv(2), name: $"alpha two {tag}");
        (await _app.Http.PostAsync($"api/campaigns/{b}/stop", null)).EnsureSuccessStatusCode();

        var alpha = await _app.GetJsonAsync($"api/campaigns?search=ALPHA&pageSize=100");
        var alphaIds = Ids(alpha).Where(id => id == a || id == c || id == b).ToArray();
        Assert.Equal([c, a], alphaIds);   // newest first; search ignores case

        var stopped = await _app.GetJsonAsync($"api/campaigns?status=stopped&search={tag}");
        Assert.Equal([b], Ids(stopped));
        Assert.Equal("STOPPED", stopped.GetProperty("items")[0].GetProperty("status").GetString());

        var page2 = await _app.GetJsonAsync($"api/campaigns?search={tag}&page=2&pageSize=1");
        Assert.Equal(3, page2.GetProperty("total").GetInt32());
        Assert.Equal([b], Ids(page2));

        using var bad = await _app.Http.GetAsync("api/campaigns?status=sleeping");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Patch_NameAndCap_ChangedInvalidIs400UnknownIs404()
    {
        var id = await _app.CreateCampaignAsync(AppHost.SampleCsv(3), cap: 4, name: "Before");
        using var ok = await _app.Http.PatchAsJsonAsync($"api/campaigns/{id}", new { name = "  After  ", cap = 6 });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var summary = await ok.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("After", summary.GetProperty("name").GetString());
        Assert.Equal(6, summary.GetProperty("cap").GetInt32());

        using var onlyCap = await _app.Http.PatchAsJsonAsync($"api/campaigns/{id}", new { cap = 2 });
        Assert.Equal("After", (await onlyCap.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString());

        using var badCap = await _app.Http.PatchAsJsonAsync($"api/campaigns/{id}", new { cap = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, badCap.StatusCode);
        Assert.Contains("between 1 and 1000", (await badCap.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("cap")[0].GetString());
        using var badName = await _app.Http.PatchAsJsonAsync($"api/campaigns/{id}", new { name = " " });
        Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
        Assert.Equal(2, (await _app.GetJsonAsync($"api/campaigns/{id}")).GetProperty("cap").GetInt32());

        using var missing = await _app.Http.PatchAsJsonAsync("api/campaigns/999999", new { cap = 3 });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Delete_NeverStarted_GoneWithItsContacts_StartedIs409()
    {
        var id = await _app.CreateCampaignAsync(AppHost.SampleCsv(5));
        using (var del = await _app.Http.DeleteAsync($"api/campaigns/{id}")) Assert.Equal(HttpStatusCode.NoContent, del.StatusCode);
        using (var get = await _app.Http.GetAsync($"api/campaigns/{id}")) Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(0, await _app.WithDbAsync(d => d.Contacts.CountAsync(c => c.CampaignId == id)));

        var started = await _app.CreateCampaignAsync(AppHost.SampleCsv(1));
        (await _app.Http.PostAsync($"api/campaigns/{started}/start", null)).EnsureSuccessStatusCode();
        using var conflict = await _app.Http.DeleteAsync($"api/campaigns/{started}");
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        using var unknown = await _app.Http.DeleteAsync("api/campaigns/999999");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Contacts_SortedServerSideSearchedAndPaged()
    {
        var csv = "name,business_name,phone\nCarla,Zeta,4155550103\nanna,Beta,4155550101\nBruno,Alpha,4155550102\nDora,Gamma,4155550100\n";
        var id = await _app.CreateCampaignAsync(csv);

        Assert.Equal(["Carla", "anna", "Bruno", "Dora"], await NamesAsync(id, ""));
        Assert.Equal(["Dora", "Bruno", "anna", "Carla"], await NamesAsync(id, "sort=row&desc=true"));
        Assert.Equal(["Bruno", "anna", "Dora", "Carla"], await NamesAsync(id, "sort=business"));
        Assert.Equal(["Carla", "Dora", "anna", "Bruno"], await NamesAsync(id, "sort=businessName&desc=true"));
        Assert.Equal(["Dora", "anna", "Bruno", "Carla"], await NamesAsync(id, "sort=phone"));
        Assert.Equal(["anna", "Dora"], await NamesAsync(id, "sort=phone&page=2&pageSize=2&desc=true"));
        Assert.Equal(["Bruno", "Carla", "Dora"], await NamesAsync(id, "search=R&sort=name&status=pending"));
        Assert.Empty(await NamesAsync(id, "status=completed"));

        using var badSort = await _app.Http.GetAsync($"api/campaigns/{id}/contacts?sort=shoe");
        Assert.Equal(HttpStatusCode.BadRequest, badSort.StatusCode);
        Assert.Contains("row, name, business", (await badSort.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("sort")[0].GetString());
    }

    private async Task<string[]> NamesAsync(long id, string query)
    {
        var page = await _app.GetJsonAsync($"api/campaigns/{id}/contacts?{query}");
        return page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray();
    }

    private static long[] Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ToArray();
}
