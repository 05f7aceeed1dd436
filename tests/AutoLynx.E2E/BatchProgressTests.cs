using System.Text;
using AutoLynx.Data;
using AutoLynx.Features.Campaigns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static AutoLynx.E2E.BlazorPage;

namespace AutoLynx.E2E;

/// <summary>A strict-batch campaign's detail page shows progress per batch, live, from start to COMPLETED without a reload.</summary>
public sealed class BatchProgressTests(E2EFixture app, ITestOutputHelper output) : IClassFixture<E2EFixture>
{
    [Fact(Timeout = 180_000)]
    public async Task CampaignDetail_BatchMode_ShowsEachBatchProgressLive()
    {
        var id = await CreateBatchCampaignAsync(contacts: 5, cap: 2);
        await using var context = await app.NewContextAsync();
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        try
        {
            await page.GotoAsync($"/campaigns/{id}");
            await WaitForCircuitAsync(page);
            await page.EvaluateAsync("() => { window.__marker = 1; }");

            var batches = page.Locator("[data-testid=batches]");
            await Expect(batches).ToBeVisibleAsync();
            await Expect(page.Locator("[data-testid=batch-1-text]")).ToContainTextAsync("0 / 2 done");
            await Expect(page.Locator("[data-testid=batch-3-text]")).ToContainTextAsync("0 / 1 done · 0 active · 1 waiting");

            // Start (retried until the circuit takes the click), then watch the batches fill in order.
            var start = page.Locator("[data-testid=start]");
            await ClickUntilAsync(start, start, WaitForSelectorState.Hidden);
            await Expect(page.Locator("[data-testid=batch-1-text]")).ToContainTextAsync("2 / 2 done", new() { Timeout = 60_000 });
            await Shot(page, "7-batch-progress-running");
            await Expect(page.Locator("[data-testid=campaign-status] [data-status=COMPLETED]")).ToBeVisibleAsync(new() { Timeout = 120_000 });
            await Expect(page.Locator("[data-testid=batch-2-text]")).ToContainTextAsync("2 / 2 done · 0 active · 0 waiting");
            await Expect(page.Locator("[data-testid=batch-3-text]")).ToContainTextAsync("1 / 1 done · 0 active · 0 waiting");
            Assert.Equal(1, await page.EvaluateAsync<int>("() => window.__marker"));
            await Shot(page, "7-batch-progress-completed");
        }
        finally
        {
            while (app.ServerLog.TryDequeue(out var line)) output.WriteLine($"[server] {line}");
        }
    }

    private async Task<long> CreateBatchCampaignAsync(int contacts, int cap)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var assistant = await db.Assistants.Where(a => a.Active && a.DeletedAt == null).OrderBy(a => a.Id).Select(a => a.Id).FirstAsync();
        var line = await db.PhoneLines.Where(l => l.Active).OrderBy(l => l.Id).Select(l => l.Id).FirstAsync();
        var csv = new StringBuilder("name,business_name,phone\n");
        for (var i = 0; i < contacts; i++) csv.Append($"Batch Person {i},Batch Co {i},+1415666{i:0000}\n");
        var (result, errors) = await scope.ServiceProvider.GetRequiredService<CampaignService>().CreateAsync(
            new CreateCampaignCommand("Batches in the browser", assistant, line, cap, DialMode.Batch, null),
            new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())), CancellationToken.None);
        Assert.Null(errors);
        return result!.CampaignId;
    }

    private static async Task Shot(IPage page, string name)
    {
        await page.WaitForTimeoutAsync(400);
        await page.ScreenshotAsync(new() { Path = Path.Combine(E2EFixture.ScreenshotDir, name + ".png"), FullPage = true });
    }
}
