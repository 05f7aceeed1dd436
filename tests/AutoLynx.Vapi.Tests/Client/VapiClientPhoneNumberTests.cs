using System.Net;
using System.Text.RegularExpressions;

namespace AutoLynx.Vapi.Tests.Client;

public sealed partial class VapiClientPhoneNumberTests
{
    [GeneratedRegex(@"^\+[1-9]\d{1,14}$")]
    private static partial Regex E164();

    [Fact]
    public async Task ListPhoneNumbersAsync_SeededNumbers_ReturnsThemActiveInE164()
    {
        await using var vapi = await SimulatedVapi.StartAsync(o => o.PhoneNumbers = ["+14155550100", "vapi:+14155550199"]);

        var numbers = await vapi.Client.ListPhoneNumbersAsync();

        Assert.Equal(["+14155550100", "+14155550199"], numbers.Select(n => n.Number));
        Assert.Equal(vapi.Simulator.PhoneNumbers.Select(p => p.Id), numbers.Select(n => n.Id));
        Assert.Equal(["twilio", "vapi"], numbers.Select(n => n.Provider));
        Assert.All(numbers, n =>
        {
            Assert.Matches(E164(), n.Number!);
            Assert.Equal("active", n.Status);
            Assert.True(Guid.TryParse(n.Id, out _), n.Id);
            Assert.Equal(vapi.Simulator.OrgId, n.OrgId);
            Assert.NotNull(n.CreatedAt);
            Assert.NotNull(n.UpdatedAt);
        });
    }

    [Fact]
    public async Task ListPhoneNumbersAsync_Limit_ReturnsAtMostThatMany()
    {
        await using var vapi = await SimulatedVapi.StartAsync(o => o.PhoneNumbers = ["+14155550100", "+14155550101", "+14155550102"]);

        Assert.Single(await vapi.Client.ListPhoneNumbersAsync(limit: 1));
        Assert.Equal(3, (await vapi.Client.ListPhoneNumbersAsync()).Count);
    }

    [Fact]
    public async Task GetPhoneNumberAsync_KnownId_ReturnsTheNumber()
    {
        await using var vapi = await SimulatedVapi.StartAsync(o => o.PhoneNumbers = ["+14155550100", "vapi:+14155550199"]);
        var id = vapi.Simulator.PhoneNumbers[1].Id;

        var number = await vapi.Client.GetPhoneNumberAsync(id);

        Assert.Equal(id, number.Id);
        Assert.Equal("+14155550199", number.Number);
        Assert.Equal("vapi", number.Provider);
        Assert.Equal("active", number.Status);
        Assert.Equal(number.CreatedAt, Assert.Single(await vapi.Client.ListPhoneNumbersAsync(), n => n.Id == id).CreatedAt);
    }

    [Fact]
    public async Task GetPhoneNumberAsync_UnknownId_ThrowsVapiApiException404()
    {
        await using var vapi = await SimulatedVapi.StartAsync();

        var ex = await Assert.ThrowsAsync<VapiApiException>(() => vapi.Client.GetPhoneNumberAsync(Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal(["Phone Number not found"], ex.Messages);
    }
}
