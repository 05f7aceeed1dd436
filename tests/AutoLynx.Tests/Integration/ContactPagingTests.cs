using System.Net;
using System.Text;
using System.Text.Json;
using AutoLynx.Features.Calls;
using AutoLynx.Features.Contacts;
using AutoLynx.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AutoLynx.Tests.Integration;

/// <summary>
/// Keyset paging of a campaign's contacts through HTTP on both databases: walking every page by <c>nextCursor</c>
/// gives each contact once, in the order one big offset page gives, for every sort and filter; contacts added during
/// the walk are never repeated; offsets still work and hand out a cursor too; a bad cursor is a 400.
/// </summary>
public sealed class ContactPagingTests
{
    private const int Contacts = 90;

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Contacts_WalkedByCursor_EveryContactOnceInTheOffsetOrder(Db db)
    {
        await using var app = AppHost.Start(db);
        var id = await app.CreateCampaignAsync(Csv(Contacts, 0), name: "Keyset walk");
        await ShapeAsync(app, id);

        foreach (var query in new[]
                 {
                     "", "sort=row&desc=true", "sort=name", "sort=name&desc=true", "sort=business", "sort=business&desc=true",
                     "sort=phone", "sort=phone&desc=true", "sort=status", "sort=status&desc=true", "sort=attempts", "sort=attempts&desc=true",
                     "sort=outcome", "sort=outcome&desc=true", "status=pending&sort=name", "search=ann&sort=name&desc=true", "search=ANN&status=completed",
                 })
        {
            var all = await app.GetJsonAsync($"api/campaigns/{id}/contacts?pageSize=500&{query}");
            var expected = Ids(all);
            Assert.True(expected.Count > 0, $"{query}: nothing to walk");
            Assert.Equal(JsonValueKind.Null, all.GetProperty("nextCursor").ValueKind);

            var walked = new List<long>();
            var page = await app.GetJsonAsync($"api/campaigns/{id}/contacts?pageSize=7&{query}");
            var pages = 1;
            while (true)
            {
                Assert.Equal(pages, page.GetProperty("page").GetInt32());
                Assert.Equal(expected.Count, page.GetProperty("total").GetInt32());
                walked.AddRange(Ids(page));
                if (page.GetProperty("nextCursor").GetString() is not { } cursor) break;
                page = await app.GetJsonAsync($"api/campaigns/{id}/contacts?pageSize=7&cursor={Uri.EscapeDataString(cursor)}");
                pages++;
            }
            Assert.True(expected.SequenceEqual(walked), $"{query}: offset order {string.Join(",", expected)} but the cursor walk gave {string.Join(",", walked)}");
            Assert.Equal((expected.Count + 6) / 7, pages);
        }
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Contacts_AddedDuringACursorWalk_NoContactTwiceNoneOfTheFirstMissed(Db db)
    {
        await using var app = AppHost.Start(db);
        var id = await app.CreateCampaignAsync(Csv(Contacts, 0), name: "Keyset with inserts");
        var original = Ids(await app.GetJsonAsync($"api/campaigns/{id}/contacts?pageSize=500")).ToHashSet();

        foreach (var query in new[] { "sort=name", "sort=row", "sort=phone&desc=true" })
        {
            var seen = new List<(long Id, string Name, int Row, string Phone)>();
            var page = await app.GetJsonAsync($"api/campaigns/{id}/contacts?pageSize=10&{query}");
            var batch = 0;
            while (true)
            {
                seen.AddRange(page.GetProperty("items").EnumerateArray().Select(c =>
                    (c.GetProperty("id").GetInt64(), c.GetProperty("name").GetString()!, c.GetProperty("rowNumber").GetInt32(), c.GetProperty("phone").GetString()!)));
                if (page.GetProperty("nextCursor").GetString() is not { } cursor) break;
                // Between two pages, more contacts arrive: names and numbers that sort before, at and after the cursor.
                await AddAsync(app, id, Csv(6, 1000 + 100 * batch + 10 * query.Length, prefix: query));
                batch++;
                page = await app.GetJsonAsync($"api/campaigns/{id}/contacts?pageSize=10&cursor={Uri.EscapeDataString(cursor)}");
            }
            Assert.True(batch >= 8, $"{query}: only {batch} pages");
            var ids = seen.Select(s => s.Id).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());                 // nobody twice
            Assert.Superset(original, ids.ToHashSet());                      // everybody who was there before the walk
            var order = query switch
            {
                "sort=name" => seen.OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Row).Select(s => s.Id),
                "sort=row" => seen.OrderBy(s => s.Row).Select(s => s.Id),
                _ => seen.OrderByDescending(s => s.Phone, StringComparer.Ordinal).Select(s => s.Id),
            };
            Assert.Equal(order, ids);                                        // and in order
            original = Ids(await app.GetJsonAsync($"api/campaigns/{id}/contacts?pageSize=500")).ToHashSet();
        }
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Contacts_OffsetPageHandsOutACursor_BadOrMismatchedCursorIs400(Db db)
    {
        await using var app = AppHost.Start(db);
        var id = await app.CreateCampaignAsync(Csv(30, 0), name: "Offsets and cursors");
        var page2 = await app.GetJsonAsync($"api/campaigns/{id}/contacts?page=2&pageSize=5&sort=name&desc=true");
        var page3 = await app.GetJsonAsync($"api/campaigns/{id}/contacts?page=3&pageSize=5&sort=name&desc=true");
        var cursor = Uri.EscapeDataString(page2.GetProperty("nextCursor").GetString()!);
        var byCursor = await app.GetJsonAsync($"api/campaigns/{id}/contacts?pageSize=5&cursor={cursor}");
        Assert.Equal(Ids(page3), Ids(byCursor));
        Assert.Equal(3, byCursor.GetProperty("page").GetInt32());
        // The cursor's own sort and filters, restated, are fine; different ones are a mistake.
        Assert.Equal(Ids(page3), Ids(await app.GetJsonAsync($"api/campaigns/{id}/contacts?pageSize=5&sort=name&desc=true&cursor={cursor}")));

        foreach (var (query, field) in new[]
                 {
                     ("cursor=not-a-cursor", "cursor"), ($"cursor={cursor}&sort=phone", "cursor"), ($"cursor={cursor}&desc=false", "cursor"),
                     ($"cursor={cursor}&status=pending", "cursor"), ($"cursor={cursor}&search=x", "cursor"),
                     ($"cursor={Uri.EscapeDataString(Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"s\":1,\"p\":0}")))}", "cursor"),
                 })
        {
            using var resp = await app.Http.GetAsync($"api/campaigns/{id}/contacts?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, resp.StatusCode);
            var problem = JsonDocument.Parse(await resp.Content.ReadAsStringAsync()).RootElement;
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), query);
        }
    }

    /// <summary>Rows with repeated names and businesses (the row number breaks ties), numbers out of name order.</summary>
    private static string Csv(int rows, int first, string prefix = "")
    {
        string[] names = ["Anna", "bruno", "Carla", "Anna", "Élise", "Dora", "anna", "Zed"];
        var sb = new StringBuilder("name,business_name,phone\n");
        for (var i = first; i < first + rows; i++)
            sb.Append($"{names[i % names.Length]} {prefix}{(i % 3 == 0 ? "" : i.ToString())},Business {i % 5},+1415555{(7919 * i) % 10000:0000}\n");
        return sb.ToString();
    }

    /// <summary>A campaign under way: contacts in every state, with attempts and last outcomes (some never called).</summary>
    private static async Task ShapeAsync(AppHost app, long id)
    {
        var states = Enum.GetValues<ContactState>();
        CallOutcome?[] outcomes = [null, CallOutcome.Talked, CallOutcome.NoAnswer, CallOutcome.Busy, CallOutcome.Voicemail, null, CallOutcome.Canceled];
        await app.WithDbAsync(async d =>
        {
            var contacts = await d.Contacts.Where(c => c.CampaignId == id).OrderBy(c => c.RowNumber).ToListAsync();
            for (var i = 0; i < contacts.Count; i++)
            {
                contacts[i].State = states[i * 7 % states.Length];
                contacts[i].Attempts = i % 4;
                contacts[i].LastOutcome = outcomes[i * 3 % outcomes.Length];
            }
            return await d.SaveChangesAsync();
        });
    }

    private static async Task AddAsync(AppHost app, long id, string csv)
    {
        using var form = AppHost.Multipart(csv);
        using var resp = await app.Http.PostAsync($"api/campaigns/{id}/contacts", form);
        Assert.True(resp.IsSuccessStatusCode, await resp.Content.ReadAsStringAsync());
    }

    private static List<long> Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetInt64()).ToList();
}
