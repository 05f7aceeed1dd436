using AutoLynx.Features.Contacts;
using Microsoft.Extensions.Options;

namespace AutoLynx.Tests.Unit;

public sealed class PhoneNormalizerTests
{
    private readonly PhoneNormalizer _phones = new(Options.Create(new PhoneOptions { DefaultRegion = "US" }));

    [Theory]
    [InlineData("(415) 555-0123", "+14155550123")]
    [InlineData("415.555.0123", "+14155550123")]
    [InlineData("1-415-555-0123", "+14155550123")]
    [InlineData("+1 415 555 0123", "+14155550123")]
    [InlineData("+44 20 7946 0958", "+442079460958")]
    [InlineData("011 44 20 7946 0958", "+442079460958")]
    [InlineData("  4155550123  ", "+14155550123")]
    [InlineData("442079460958", "+442079460958")]          // not a US number; "+" added where that is the only reading
    [InlineData("0044 20 7946 0958", "+442079460958")]     // the international prefix most of the world dials
    [InlineData("4155550123", "+14155550123")]              // a valid US number stays US
    [InlineData("415-555-0123 ext 7", "+14155550123")]
    public void Normalize_CommonFormats_E164(string input, string expected)
    {
        var r = _phones.Normalize(input);
        Assert.True(r.Ok, r.Error);
        Assert.Equal(expected, r.E164);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("12", "too short")]
    [InlineData("+1 415 555 0123 4567 8901", "too long")]
    [InlineData("call 415 me maybe", "letters")]
    [InlineData("---", "no digits")]
    [InlineData("+999 1234 5678", "country code")]
    [InlineData("+1 900 555 0100", "premium rate")]
    [InlineData("+1 415 555 012", "too short")]
    public void Normalize_Invalid_SaysWhy(string input, string reason)
    {
        var r = _phones.Normalize(input);
        Assert.False(r.Ok);
        Assert.Contains(reason, r.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Mask_KeepsCountryCodeAndLastTwoDigits()
        => Assert.Equal("+14*******23", PhoneNormalizer.Mask("+14155550123"));
}
