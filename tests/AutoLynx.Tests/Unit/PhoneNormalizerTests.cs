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

    [Theory]
    [InlineData("(415) 555-0123 ext. 204", "204")]
    [InlineData("415-555-0123 x204", "204")]
    [InlineData("415-555-0123x204", "204")]
    [InlineData("+1 415 555 0123 extension 12", "12")]
    [InlineData("415.555.0123 #3", "3")]
    [InlineData("tel:+1-415-555-0123;ext=99", "99")]
    public void Normalize_Extension_SeparateFromE164(string input, string extension)
    {
        var r = _phones.Normalize(input);
        Assert.True(r.Ok, r.Error);
        Assert.Equal("+14155550123", r.E164);
        Assert.Equal(extension, r.Extension);
    }

    [Fact]
    public void Normalize_ExtensionLongerThanVapiTakes_SaysWhy()
    {
        var r = _phones.Normalize("415-555-0123 ext 12345678901");
        Assert.False(r.Ok);
        Assert.Contains("extension longer than 10", r.Error);
    }

    [Theory]
    [InlineData("1.41555E+10")]
    [InlineData("4.42079E+11")]
    [InlineData("1,41555E+10")]
    [InlineData("1E+10")]
    [InlineData("1.41555e10")]
    public void Normalize_ScientificNotationWithLostDigits_OwnReasonNeverGuessed(string input)
    {
        var r = _phones.Normalize(input);
        Assert.False(r.Ok);
        Assert.Contains("scientific notation", r.Error);
        Assert.Contains("Format the phone column as Text", r.Error);
    }

    [Fact]
    public void Normalize_ScientificNotationWithEveryDigit_ReadExactly()
        => Assert.Equal("+14155550123", _phones.Normalize("1.4155550123E+10").E164);

    [Fact]
    public void Mask_KeepsCountryCodeAndLastTwoDigits()
        => Assert.Equal("+14*******23", PhoneNormalizer.Mask("+14155550123"));
}
