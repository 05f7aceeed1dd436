using AutoLynx.Features.Contacts;

namespace AutoLynx.Tests.Unit;

public sealed class ContactColumnsTests
{
    [Theory]
    [InlineData("Company / Account", "companyaccount")]
    [InlineData("Phone 1 - Value", "phone1value")]
    [InlineData("\uFEFF Full_Name ", "fullname")]
    [InlineData("Phone #", "phone#")]
    public void Key_IgnoresCaseSpacesAndPunctuation(string header, string key) => Assert.Equal(key, ContactColumns.Key(header));

    [Fact]
    public void Detect_PhoneColumns_InTheDocumentedOrder()
    {
        string[] headers = ["Other Phone", "Mobile Phone", "Phone 2 - Value", "Corporate Phone", "Pager", "Business Fax", "Work Direct Phone",
            "Phone 1 - Value", "Phone 1 - Label", "Phone", "Home Phone", "Assistant's Phone"];
        var detected = ContactColumns.Detect(headers);
        Assert.Equal(["Phone", "Phone 1 - Value", "Phone 2 - Value", "Work Direct Phone", "Mobile Phone", "Corporate Phone", "Other Phone", "Home Phone"],
            detected.Phones.Select(i => headers[i]).ToArray());
    }

    [Fact]
    public void Detect_FullNameWinsOverParts_PartsWhenNoFullName()
    {
        Assert.Equal(0, ContactColumns.Detect(["Name", "Given Name", "Family Name"]).Name.Single());
        var parts = ContactColumns.Detect(["Last Name", "Company", "First Name", "Middle Name", "Phone"]);
        Assert.Equal([2, 3, 0], parts.Name);
        Assert.Equal(1, parts.BusinessName);
    }

    [Fact]
    public void Resolve_GivenMappingOverridesDetectionFieldByField()
    {
        var headers = new[] { "First Name", "Last Name", "Company", "Firm", "Phone", "Mobile" };
        var map = ContactHeaders.Resolve(headers, new ContactMapping(null, ["firm"], ["Mobile", "Phone"]));
        Assert.Equal(MappingSource.Given, map.Source);
        Assert.True(map.NameComposed);
        Assert.Equal(["First Name", "Last Name"], map.Mapping.Name);
        Assert.Equal(["Firm"], map.Mapping.BusinessName);          // matched ignoring case
        Assert.Equal(["Mobile", "Phone"], map.Mapping.Phone);
        Assert.Contains("company", map.Variables);                  // the unmapped company column stays a variable
        Assert.Contains("first_name", map.Variables);
    }

    [Fact]
    public void Resolve_UnknownColumns_AllNamedInOneMessage()
    {
        var ex = Assert.Throws<ImportRejectedException>(() => ContactHeaders.Resolve(["Name", "Company", "Phone"], new ContactMapping(["Nom"], null, ["Tel", "Phone"])));
        Assert.Equal("mapping", ex.Field);
        Assert.StartsWith("The mapping names columns the file does not have: \"Nom\", \"Tel\".", ex.Message);
    }

    [Fact]
    public void KeyFor_SameColumnsInAnyOrderOrCase_SameKey()
    {
        Assert.Equal(ImportMapping.KeyFor(["Kontakt", "Firma", "Telefon"]), ImportMapping.KeyFor(["TELEFON", "firma", " Kontakt"]));
        Assert.NotEqual(ImportMapping.KeyFor(["Kontakt", "Firma", "Telefon"]), ImportMapping.KeyFor(["Kontakt", "Firma", "Handy"]));
    }

    [Theory]
    [InlineData("""{"Business Name": "Firm"}""")]
    [InlineData("""{"businessName": ["Firm"]}""")]
    public void Parse_FieldNamesAsPeopleWriteThem(string json) => Assert.Equal(["Firm"], ContactMapping.Parse(json)!.BusinessName);

    [Fact]
    public void Parse_BlankIsNoMapping_EmptyObjectIsDetectionOnly()
    {
        Assert.Null(ContactMapping.Parse("  "));
        Assert.True(ContactMapping.Parse("{}")!.IsEmpty);
    }
}
