using System.Text;
using System.Text.Json;

namespace AutoLynx.Tests.Integration.Corpus;

/// <summary>An export as a CRM or spreadsheet writes it, the form fields sent with it, and the report it must give.</summary>
public sealed record CrmExport(string Name, string FileName, byte[] Bytes, CsvExpectation Expect, Action<JsonElement>? Check = null,
    (string Name, string Value)[]? Fields = null)
{
    public override string ToString() => Name;
}

/// <summary>
/// Contact lists in the shapes the common tools export, written from their documented column names: HubSpot, a Salesforce
/// leads report (with its footer), Google Contacts (the current and the legacy header sets, with "a ::: b" cells), Apollo
/// (its apostrophe-prefixed phones), Outlook (Windows-1252), and Excel (CSV with scientific notation; .xlsx with numbers
/// as text, as numbers and in scientific format, dates, several sheets, a blank row). Each says the report it must give.
/// </summary>
public static class CrmExportCorpus
{
    private static readonly Lazy<IReadOnlyList<CrmExport>> Cases = new(() =>
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Build();
    });

    public static IReadOnlyList<CrmExport> All => Cases.Value;
    public static CrmExport Get(string name) => All.Single(c => c.Name == name);
    public static IEnumerable<object[]> Names => All.Select(c => new object[] { c.Name });

    private static CsvExpectation Report(int total, int accepted, int skipped = 0, int duplicates = 0) => new(null, null, total, accepted, skipped, duplicates);
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static List<CrmExport> Build() =>
    [
        new("hubspot", "hubspot-crm-exports-all-contacts.csv", Utf8(
            "Record ID,First Name,Last Name,Email,Phone Number,Mobile Phone Number,Company Name,Job Title,Lifecycle Stage,Contact owner,Create Date\n" +
            "51,Maria,Gonzalez,maria@lumen.example,(415) 555-0110,,Lumen Dental,Office Manager,Lead,Sam Seller,2024-03-01 10:15\n" +
            "52,Tom,Baker,tom@bakerbros.example,,+1 415 555 0111,Baker Bros,Owner,Lead,Sam Seller,2024-03-02 09:00\n" +
            "53,Ana,Silva,ana@silvalaw.example,,,Silva Law,Partner,Subscriber,,2024-03-03 11:30\n" +
            "54,Lee,Wong,lee@wong.example,555-01,415.555.0112,Wong Imports,Buyer,Lead,,2024-03-04 16:45\n" +
            "55,Raj,Patel,raj@patel.example,+1 (415) 555-0110,,Patel Pharmacy,Owner,Customer,,2024-03-05 08:20\n"),
            Report(5, 3, skipped: 1, duplicates: 1), r =>
            {
                AssertMapping(r, "detected", ["First Name", "Last Name"], "Company Name", ["Phone Number", "Mobile Phone Number"]);
                var p = Preview(r);
                Assert.Equal("Maria Gonzalez", p[0].GetProperty("name").GetString());
                Assert.Equal("Maria", Extra(p[0], "first_name"));
                Assert.Equal("Gonzalez", Extra(p[0], "last_name"));
                Assert.Equal("Office Manager", Extra(p[0], "job_title"));
                Assert.Equal("Phone Number", p[0].GetProperty("phoneColumn").GetString());
                Assert.Equal(("Tom Baker", "+14155550111", "Mobile Phone Number"), (p[1].GetProperty("name").GetString(), p[1].GetProperty("phone").GetString(), p[1].GetProperty("phoneColumn").GetString()));
                Assert.Equal("Mobile Phone Number", p[2].GetProperty("phoneColumn").GetString());   // its Phone Number is too short
                Assert.Equal("Phone is empty (no number in Phone Number, Mobile Phone Number).", Skipped(r, 4));
                Assert.Equal(2, r.GetProperty("duplicates")[0].GetProperty("firstRow").GetInt32());
                Assert.Equal(1, r.GetProperty("phoneColumns").GetProperty("Phone Number").GetInt32());
                Assert.Equal(2, r.GetProperty("phoneColumns").GetProperty("Mobile Phone Number").GetInt32());
                Assert.Contains("first_name", Strings(r.GetProperty("variables")));
            }),

        // A Salesforce leads report exported as CSV: every field quoted, and the footer Salesforce appends after a blank line.
        new("salesforce-leads-report", "report1709290000000.csv", Utf8(
            "\"Lead Owner\",\"First Name\",\"Last Name\",\"Title\",\"Company / Account\",\"Phone\",\"Mobile\",\"Email\",\"Lead Source\",\"Lead Status\",\"City\",\"State/Province\"\n" +
            "\"Sam Seller\",\"Maria\",\"Gonzalez\",\"Office Manager\",\"Lumen Dental\",\"(415) 555-0120\",\"\",\"maria@lumen.example\",\"Web\",\"Open - Not Contacted\",\"San Francisco\",\"CA\"\n" +
            "\"Sam Seller\",\"Omar\",\"Haddad\",\"Owner\",\"Haddad Auto\",\"(415) 555-0121 ext. 204\",\"(415) 555-0122\",\"omar@haddad.example\",\"Trade Show\",\"Working - Contacted\",\"Oakland\",\"CA\"\n" +
            "\"Sam Seller\",\"Kim\",\"Ng\",\"CFO\",\"Ng Holdings\",\"\",\"\",\"kim@ng.example\",\"Web\",\"Open - Not Contacted\",\"\",\"\"\n" +
            "\n" +
            "\"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved.\"\n" +
            "\"Confidential Information - Do Not Distribute\"\n" +
            "\"Generated By:  Sam Seller  3/1/2024 10:15 AM\"\n"),
            Report(6, 2, skipped: 4), r =>
            {
                AssertMapping(r, "detected", ["First Name", "Last Name"], "Company / Account", ["Phone", "Mobile"]);
                var p = Preview(r);
                Assert.Equal(("Omar Haddad", "+14155550121", "204", "Phone"),
                    (p[1].GetProperty("name").GetString(), p[1].GetProperty("phone").GetString(), p[1].GetProperty("extension").GetString(), p[1].GetProperty("phoneColumn").GetString()));
                Assert.Equal("Phone is empty (no number in Phone, Mobile).", Skipped(r, 4));
                Assert.StartsWith("The row has 1 field but the header has 12", Skipped(r, 6));
                Assert.StartsWith("The row has 1 field but the header has 12", Skipped(r, 8));
            }),

        // contacts.google.com → Export → Google CSV (the header set since 2021).
        new("google-contacts-new", "contacts.csv", Utf8(
            "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As," +
            "Organization Name,Organization Title,Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value," +
            "Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value\n" +
            "Maria,L.,Gonzalez,,,,,,,,Lumen Dental,Office Manager,,,,,* myContacts ::: Leads,* Work,maria@lumen.example,Mobile,+1 415-555-0130 ::: +1 415-555-0131,Work,+1 415-555-0132\n" +
            "Jon,,Kowalski,,,,,,,,Kowalski Roofing,Owner,,,,,* myContacts,,,Mobile,12 ::: +1 415-555-0133,,\n" +
            "Eva,,Novak,,,,,,,,Novak Studio,,,1990-05-04,,,* myContacts,,,,,Work,(415) 555-0134\n" +
            "Grandma,,,,,,,,,,,,,,,,* myContacts,,,Mobile,+1 415-555-0135,,\n"),
            Report(4, 3, skipped: 1), r =>
            {
                AssertMapping(r, "detected", ["First Name", "Middle Name", "Last Name"], "Organization Name", ["Phone 1 - Value", "Phone 2 - Value"]);
                var p = Preview(r);
                Assert.Equal(("Maria L. Gonzalez", "+14155550130", "Phone 1 - Value"), (p[0].GetProperty("name").GetString(), p[0].GetProperty("phone").GetString(), p[0].GetProperty("phoneColumn").GetString()));
                Assert.Equal("L.", Extra(p[0], "middle_name"));
                Assert.Equal("* myContacts ::: Leads", Extra(p[0], "labels"));
                Assert.Equal(("+14155550133", "Phone 1 - Value (value 2)"), (p[1].GetProperty("phone").GetString(), p[1].GetProperty("phoneColumn").GetString()));
                Assert.Equal(("+14155550134", "Phone 2 - Value"), (p[2].GetProperty("phone").GetString(), p[2].GetProperty("phoneColumn").GetString()));
                Assert.Equal("Business name is empty.", Skipped(r, 5));
            }),

        // The legacy Google CSV header set: a full "Name" next to its parts, typed phones, numbered organizations.
        new("google-contacts-old", "google.csv", Utf8(
            "Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,Additional Name Yomi,Family Name Yomi,Name Prefix,Name Suffix," +
            "Initials,Nickname,Short Name,Maiden Name,Birthday,Gender,Location,Billing Information,Directory Server,Mileage,Occupation,Hobby," +
            "Sensitivity,Priority,Subject,Notes,Language,Photo,Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value," +
            "Phone 2 - Type,Phone 2 - Value,Organization 1 - Type,Organization 1 - Name,Organization 1 - Yomi Name,Organization 1 - Title," +
            "Organization 1 - Department,Organization 1 - Symbol,Organization 1 - Location,Organization 1 - Job Description\n" +
            "Maria Gonzalez,Maria,,Gonzalez,,,,,,,,,,,,,,,,,,,,,,,,,* My Contacts,* Work,maria@lumen.example,Mobile,+1 415-555-0140,Work,+1 415-555-0141 ext 12,,Lumen Dental,,Office Manager,,,,\n" +
            "Ivan Petrov,Ivan,,Petrov,,,,,,,,,,,,,,,,,,,,,,,,,* My Contacts,,,Mobile,+1 415-555-0142 ::: +1 415-555-0143,,,,Petrov Bakery,,,,,,\n" +
            "Luz Ortiz,Luz,,Ortiz,,,,,,,,,,,,,,,,,,,,,,,,,* My Contacts,,,Work,+1 (415) 555-0140,,,,Ortiz Floral,,,,,,\n"),
            Report(3, 2, duplicates: 1), r =>
            {
                AssertMapping(r, "detected", ["Name"], "Organization 1 - Name", ["Phone 1 - Value", "Phone 2 - Value"]);
                var p = Preview(r);
                Assert.Equal(("Maria Gonzalez", "+14155550140"), (p[0].GetProperty("name").GetString(), p[0].GetProperty("phone").GetString()));
                Assert.Equal("Maria", Extra(p[0], "given_name"));
                Assert.Equal("+14155550142", p[1].GetProperty("phone").GetString());
                Assert.Equal(2, r.GetProperty("duplicates")[0].GetProperty("firstRow").GetInt32());
            }),

        // Apollo people export: several phone columns, each written with a leading apostrophe so Excel keeps the "+".
        new("apollo", "apollo-contacts-export.csv", Utf8(
            "First Name,Last Name,Title,Company,Company Name for Emails,Email,Email Status,Seniority,Departments,Contact Owner,First Phone," +
            "Work Direct Phone,Home Phone,Mobile Phone,Corporate Phone,Other Phone,Stage,Lists,# Employees,Industry,Person Linkedin Url,Website,City,State,Country\n" +
            "Maria,Gonzalez,Office Manager,Lumen Dental,Lumen,maria@lumen.example,Verified,Manager,Operations,sam@seller.example,'+1 415-555-0150,'+1 415-555-0151,,,,,Cold,Q1 Dental,25,Health Care,http://www.linkedin.com/in/mgonzalez,http://lumen.example,San Francisco,California,United States\n" +
            "Dev,Shah,CTO,Shah Labs,Shah Labs,dev@shahlabs.example,Verified,C-Suite,Engineering,sam@seller.example,,,,'+1 415-555-0152,'+1 415-555-0153 x204,,Cold,Q1 Dental,120,Software,,,Oakland,California,United States\n" +
            "Ola,Berg,VP Sales,Berg AS,Berg,ola@berg.example,Unavailable,VP,Sales,sam@seller.example,,,,,'+1 415-555-0154 x204,,Cold,,40,Retail,,,Seattle,Washington,United States\n" +
            "Ike,Moss,Founder,Moss Co,Moss,ike@moss.example,Verified,Founder,,sam@seller.example,,,,,,,Cold,,3,Retail,,,Austin,Texas,United States\n"),
            Report(4, 3, skipped: 1), r =>
            {
                AssertMapping(r, "detected", ["First Name", "Last Name"], "Company",
                    ["First Phone", "Work Direct Phone", "Mobile Phone", "Corporate Phone", "Home Phone", "Other Phone"]);
                var p = Preview(r);
                Assert.Equal(("+14155550150", "First Phone"), (p[0].GetProperty("phone").GetString(), p[0].GetProperty("phoneColumn").GetString()));
                Assert.Equal(("+14155550152", "Mobile Phone"), (p[1].GetProperty("phone").GetString(), p[1].GetProperty("phoneColumn").GetString()));
                Assert.False(p[1].TryGetProperty("extension", out var none) && none.ValueKind == JsonValueKind.String);
                Assert.Equal(("+14155550154", "Corporate Phone", "204"),
                    (p[2].GetProperty("phone").GetString(), p[2].GetProperty("phoneColumn").GetString(), p[2].GetProperty("extension").GetString()));
                Assert.Equal("Phone is empty (no number in First Phone, Work Direct Phone, Mobile Phone, Corporate Phone, Home Phone, Other Phone).", Skipped(r, 5));
                Assert.Equal("25", Extra(p[0], "employees"));
            }),

        // Outlook (desktop) → Export → CSV: Windows-1252, the "Title" is a prefix, pager/fax/assistant numbers are never dialled.
        new("outlook", "outlook-contacts.csv", Encoding.GetEncoding(1252).GetBytes(
            "First Name,Middle Name,Last Name,Title,Suffix,Nickname,E-mail Address,E-mail 2 Address,Home Phone,Business Phone,Business Phone 2," +
            "Mobile Phone,Other Phone,Primary Phone,Pager,Business Fax,Company Main Phone,Assistant's Phone,Job Title,Department,Company," +
            "Business Street,Business City,Business State,Business Postal Code,Notes\r\n" +
            "Maria,L.,Gonzalez,Dr.,,,maria@lumen.example,,,(415) 555-0160,,,,,,,,,Dentist,,Lumen Dental,1 Main St,San Francisco,CA,94105,\r\n" +
            "Peter,,Quill,,,,peter@quill.example,,,,,,,,(415) 555-0161,(415) 555-0162,,(415) 555-0163,Pilot,,Quill Freight,,,,,\r\n" +
            "Zoë,,Ångström,,,,zoe@son.example,,+44 20 7946 0958,,,,,,,,,,Owner,,Straße & Søn,,London,,,Café regular\r\n"),
            Report(3, 2, skipped: 1), r =>
            {
                AssertMapping(r, "detected", ["First Name", "Middle Name", "Last Name"], "Company",
                    ["Primary Phone", "Business Phone", "Mobile Phone", "Company Main Phone", "Home Phone", "Business Phone 2", "Other Phone"]);
                Assert.Equal("windows-1252", r.GetProperty("encoding").GetString());
                var p = Preview(r);
                Assert.Equal(("Maria L. Gonzalez", "Business Phone"), (p[0].GetProperty("name").GetString(), p[0].GetProperty("phoneColumn").GetString()));
                Assert.Equal("Dr.", Extra(p[0], "title"));
                Assert.Equal(("Zoë Ångström", "Straße & Søn", "+442079460958", "Home Phone"), (p[1].GetProperty("name").GetString(),
                    p[1].GetProperty("businessName").GetString(), p[1].GetProperty("phone").GetString(), p[1].GetProperty("phoneColumn").GetString()));
                Assert.StartsWith("Phone is empty (no number in Primary Phone,", Skipped(r, 3));
            }),

        // Excel → Save As → CSV (Comma delimited): long numbers are written as Excel showed them, in scientific notation.
        new("excel-csv-scientific", "leads.csv", Encoding.GetEncoding(1252).GetBytes(
            "Name,Company,Phone,Notes\r\nAnn Lee,Acme,1.41555E+10,digits lost\r\nBob Ray,Beta,14155550171,\r\nCid Moe,Gamma,1.4155550172E+10,all digits kept\r\nDee Fox,Delta,4.42079E+11,\r\n"),
            Report(4, 2, skipped: 2), r =>
            {
                var reason = Skipped(r, 2);
                Assert.StartsWith("Phone \"1.41555E+10\" is in scientific notation", reason);
                Assert.Contains("its last digits are lost", reason);
                Assert.Contains("Format the phone column as Text", reason);
                Assert.DoesNotContain("letters", reason);
                Assert.StartsWith("Phone \"4.42079E+11\" is in scientific notation", Skipped(r, 5));
                var p = Preview(r);
                Assert.Equal(["+14155550171", "+14155550172"], p.Select(c => c.GetProperty("phone").GetString()!).ToArray());
            }),

        new("excel-xlsx-numbers-as-text", "leads.xlsx", XlsxFile.Build("Contacts", ["Name", "Company", "Phone"],
                ["Ann Lee", "Acme", new AsText("(415) 555-0180")],
                ["Bob Ray", "Beta", new AsText("415.555.0181")],
                ["Cid Moe", "Gamma", new AsText("+1 415 555 0182")]),
            Report(3, 3), r =>
            {
                Assert.Equal(("xlsx", "Contacts"), (r.GetProperty("format").GetString(), r.GetProperty("sheet").GetString()));
                Assert.Equal(["+14155550180", "+14155550181", "+14155550182"], Preview(r).Select(c => c.GetProperty("phone").GetString()!).ToArray());
            }),

        // Phones typed into Excel as numbers: read as their digits, also when shown in scientific format (the value keeps them);
        // a cell holding the text "1.41555E+10" lost them before it got here. Dates and booleans become text; row 7 is blank.
        new("excel-xlsx-numbers", "leads.xlsx", XlsxFile.Build(new XlsxFile.Sheet("Sheet1",
            [
                ["Name", "Company", "Phone", "Employees", "Customer Since", "Active"],
                ["Ann Lee", "Acme", 14155550190L, 25, new DateTime(2024, 3, 1), true],
                ["Bob Ray", "Beta", 4155550191L, 3, null, false],
                ["Cid Moe", "Gamma", new Scientific(14155550192), null, null, null],
                ["Dee Fox", "Delta", new AsText("1.41555E+10"), null, null, null],
                ["Eve Park", "Epsilon", 442079460958L, 1200.5, null, null],
                null,
                ["Finn Oak", "Zeta", 415555019L, null, null, null],
            ])),
            Report(6, 4, skipped: 2), r =>
            {
                var p = Preview(r);
                Assert.Equal(["+14155550190", "+14155550191", "+14155550192", "+442079460958"], p.Select(c => c.GetProperty("phone").GetString()!).ToArray());
                Assert.Equal(("25", "2024-03-01", "TRUE"), (Extra(p[0], "employees"), Extra(p[0], "customer_since"), Extra(p[0], "active")));
                Assert.Equal("1200.5", Extra(p[3], "employees"));
                Assert.StartsWith("Phone \"1.41555E+10\" is in scientific notation", Skipped(r, 5));
                Assert.Contains("too short", Skipped(r, 8));        // the sheet's own row number, across the blank row
            }),

        // A workbook whose first sheet is a hidden lookup table: the first visible sheet is read.
        new("excel-xlsx-sheets-default", "workbook.xlsx", Workbook(), Report(2, 2), r =>
        {
            Assert.Equal("Leads", r.GetProperty("sheet").GetString());
            Assert.Equal(["Lookup", "Leads", "Customers"], Strings(r.GetProperty("sheets")));
        }),
        new("excel-xlsx-sheets-chosen", "workbook.xlsx", Workbook(), Report(1, 1), r =>
        {
            Assert.Equal("Customers", r.GetProperty("sheet").GetString());
            Assert.Equal("Carl Customer", Preview(r)[0].GetProperty("name").GetString());
        }, [("sheet", "Customers")]),

        // A CRM in another language: nothing is detected, the mapping says which column is which.
        new("xlsx-mapped", "kontakte.xlsx", XlsxFile.Build("Kontakte", ["Kontakt", "Firma", "Telefon", "Handy"],
                ["Jürgen Weiß", "Weiß GmbH", new AsText("+1 415 555 0198"), null],
                ["Anna Schmidt", "Schmidt KG", null, 14155550199L]),
            Report(2, 2), r =>
            {
                AssertMapping(r, "given", ["Kontakt"], "Firma", ["Telefon", "Handy"]);
                Assert.Equal(("Jürgen Weiß", "Telefon"), (Preview(r)[0].GetProperty("name").GetString(), Preview(r)[0].GetProperty("phoneColumn").GetString()));
                Assert.Equal(("+14155550199", "Handy"), (Preview(r)[1].GetProperty("phone").GetString(), Preview(r)[1].GetProperty("phoneColumn").GetString()));
            }, [("mapping", """{"name": "Kontakt", "business_name": "Firma", "phone": ["Telefon", "Handy"]}""")]),
    ];

    private static byte[] Workbook() => XlsxFile.Build(
        new XlsxFile.Sheet("Lookup", [["Code", "Meaning"], ["A", "Hot"]], Hidden: true),
        new XlsxFile.Sheet("Leads", [["Name", "Company", "Phone"], ["Ann Lead", "Acme", new AsText("(415) 555-0195")], ["Bob Lead", "Beta", 4155550196L]]),
        new XlsxFile.Sheet("Customers", [["Name", "Company", "Phone"], ["Carl Customer", "Gamma", new AsText("(415) 555-0197")]]));

    internal static void AssertMapping(JsonElement r, string source, string[] name, string business, string[] phones)
    {
        Assert.Equal(source, r.GetProperty("mappingSource").GetString());
        var m = r.GetProperty("mapping");
        Assert.Equal(name, Strings(m.GetProperty("name")));
        Assert.Equal([business], Strings(m.GetProperty("business_name")));
        Assert.Equal(phones, Strings(m.GetProperty("phone")));
    }

    internal static JsonElement[] Preview(JsonElement r) => r.GetProperty("preview").EnumerateArray().ToArray();
    internal static string? Extra(JsonElement contact, string key) => contact.GetProperty("extra").GetProperty(key).GetString();
    internal static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();
    internal static string Skipped(JsonElement r, int row)
        => r.GetProperty("skipped").EnumerateArray().Single(s => s.GetProperty("row").GetInt32() == row).GetProperty("reason").GetString()!;
}
