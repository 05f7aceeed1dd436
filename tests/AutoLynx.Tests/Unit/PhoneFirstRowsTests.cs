using AutoLynx.Features.Contacts;

namespace AutoLynx.Tests.Unit;

public sealed class PhoneFirstRowsTests
{
    [Fact]
    public void TryAdd_ManyNumbersAcrossGrowth_FirstRowRememberedDuplicatesFound()
    {
        var table = new PhoneFirstRows(initialCapacity: 16);
        const int count = 300_000;
        for (var i = 0; i < count; i++)
            Assert.True(table.TryAdd($"+1415{i:0000000}", i + 2, out _));
        Assert.Equal(count, table.Count);
        for (var i = 0; i < count; i += 7)
        {
            Assert.False(table.TryAdd($"+1415{i:0000000}", 999_999, out var first));
            Assert.Equal(i + 2, first);
        }
        Assert.True(table.TryAdd("+442079460958", 5, out _));
        Assert.Equal(count + 1, table.Count);
        // 12 bytes a slot, at most 2 slots a number once grown.
        Assert.InRange(table.FootprintBytes, count * 12L, count * 12L * 2 * 2);
    }

    [Theory]
    [InlineData("+14155550123", 14155550123L)]
    [InlineData("+442079460958", 442079460958L)]
    [InlineData("+999999999999999", 999999999999999L)]
    public void ToKey_E164_DigitsAsInteger(string e164, long key) => Assert.Equal(key, PhoneFirstRows.ToKey(e164));

    [Theory]
    [InlineData("")]
    [InlineData("+")]
    [InlineData("+1415abc")]
    public void ToKey_NotE164_Throws(string value) => Assert.Throws<ArgumentException>(() => PhoneFirstRows.ToKey(value));
}
