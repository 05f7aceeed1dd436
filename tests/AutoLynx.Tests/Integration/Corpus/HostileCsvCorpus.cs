using System.Text;

namespace AutoLynx.Tests.Integration.Corpus;

/// <summary>What a file must give: a report with these counts, or a 4xx whose detail says this.</summary>
public sealed record CsvExpectation(int? Status = null, string? DetailContains = null,
    int TotalRows = 0, int Accepted = 0, int Skipped = 0, int Duplicates = 0);

/// <summary>One hostile file: its bytes, what it must give, and (optionally) more to check in the JSON report.</summary>
public sealed record HostileCsv(string Name, byte[] Bytes, CsvExpectation Expect, Action<System.Text.Json.JsonElement>? Check = null)
{
    public override string ToString() => Name;
}

/// <summary>
/// The files operators really send, and worse: every encoding, separator and quoting mistake, plus things that are not
/// CSV at all. Generated (deterministic), so each case says in code what it holds. <see cref="WriteAll"/> puts them on
/// disk for a look by hand.
/// </summary>
public static partial class HostileCsvCorpus
{
    private const string Header = "name,business_name,phone";

    private static readonly Lazy<IReadOnlyList<HostileCsv>> Cases = new(() =>
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Build();
    });

    public static IReadOnlyList<HostileCsv> All => Cases.Value;

    public static HostileCsv Get(string name) => All.Single(c => c.Name == name);

    public static IEnumerable<object[]> Names => All.Select(c => new object[] { c.Name });

    /// <summary>Writes every case as a file (e.g. to open one in a spreadsheet).</summary>
    public static void WriteAll(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var c in All) File.WriteAllBytes(Path.Combine(directory, c.Name + ".csv"), c.Bytes);
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
    private static byte[] WithBom(Encoding e, string s) => [.. e.GetPreamble(), .. e.GetBytes(s)];
    private static CsvExpectation Rejected(string detail, int status = 400) => new(status, detail);
    private static CsvExpectation Report(int total, int accepted, int skipped = 0, int duplicates = 0) => new(null, null, total, accepted, skipped, duplicates);

    private static List<HostileCsv> Build()
    {
        const string accented = "name,business_name,phone\nJosé Núñez,Café Élan,(415) 555-0100\nZoë Ångström,Straße & Søn,415.555.0101\n";
        var list = new List<HostileCsv>
        {
            // ---- encodings: accented names survive every one of them
            new("utf8-bom", WithBom(new UTF8Encoding(true), accented), Report(2, 2), r => AssertPreview(r, "José Núñez", "Café Élan", "Zoë Ångström")),
            new("utf8-no-bom", Utf8(accented), Report(2, 2), r => AssertPreview(r, "José Núñez", "Café Élan", "Zoë Ångström")),
            new("utf16le-bom", WithBom(Encoding.Unicode, accented), Report(2, 2), r => AssertPreview(r, "José Núñez", "Straße & Søn")),
            new("utf16be-bom", WithBom(Encoding.BigEndianUnicode, accented), Report(2, 2), r => AssertPreview(r, "Zoë Ångström")),
            new("windows-1252", Encoding.GetEncoding(1252).GetBytes(accented), Report(2, 2), r =>
            {
                AssertPreview(r, "José Núñez", "Straße & Søn");
                Assert.Equal("windows-1252", r.GetProperty("encoding").GetString());
            }),
            new("windows-1252-after-64k", Windows1252AfterFirst64K(), Report(2001, 2000, skipped: 1),
                r => Assert.Equal("Zoë Ångström", r.GetProperty("skipped")[0].GetProperty("values").GetProperty("name").GetString())),

            // ---- separators
            new("semicolon", Utf8("name;business_name;phone\nAnn Lee;Acme, Inc.;415 555 0100\nBob Ray;Beta;415 555 0101\n"), Report(2, 2),
                r => { AssertPreview(r, "Acme, Inc."); Assert.Equal(";", r.GetProperty("delimiter").GetString()); }),
            new("tab", Utf8("name\tbusiness_name\tphone\nAnn Lee\tAcme, Inc.\t415 555 0100\n"), Report(1, 1),
                r => Assert.Equal("tab", r.GetProperty("delimiter").GetString())),
            new("pipe", Utf8("name|business_name|phone\nAnn Lee|Acme|415 555 0100\n"), Report(1, 1)),
            new("excel-sep-hint", Utf8("sep=;\r\nname;business_name;phone\r\nAnn Lee;Acme;4155550100\r\nBob;Beta;12\r\n"), Report(2, 1, skipped: 1),
                r => Assert.Equal(4, r.GetProperty("skipped")[0].GetProperty("row").GetInt32())),

            // ---- quoting
            new("quoted-newlines", Utf8("name,business_name,phone,notes\n\"Ann\nLee\",Acme,4155550100,\"line one\nline two\"\nBob Ray,Beta,4155550101,x\nCid,Gamma,12,\n"),
                Report(3, 2, skipped: 1), r =>
                {
                    AssertPreview(r, "Ann Lee", "line one\nline two");
                    // Rows count as a spreadsheet shows them: the two-line cell is one row.
                    Assert.Equal(4, r.GetProperty("skipped")[0].GetProperty("row").GetInt32());
                }),
            new("embedded-quotes", Utf8("name,business_name,phone\n\"Bob \"\"The Builder\"\" Smith\",\"Acme \"\"Best\"\" Co\",4155550100\nAnn \"Red\" Lee,Beta,4155550101\n"),
                Report(2, 2), r => AssertPreview(r, "Bob \"The Builder\" Smith", "Acme \"Best\" Co", "Ann \"Red\" Lee")),
            new("unclosed-quote", Utf8("name,business_name,phone\nAnn,\"Acme,4155550100\nBob,Beta,4155550101\n"), Report(1, 0, skipped: 1)),
            new("formula-cells", Utf8("name,business_name,phone,notes\n=1+2,@Acme,+1 415 555 0100,-5\n\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",+Beta,4155550101,=cmd|' /C calc'!A0\n"),
                Report(2, 2), r => AssertPreview(r, "=1+2", "@Acme", "-5", "=HYPERLINK(\"http://evil\",\"x\")", "+Beta")),

            // ---- sizes and shapes
            new("cell-10000-chars", Utf8($"name,business_name,phone,notes\n{new string('n', 10_000)},Acme,4155550100,\nAnn,Acme,4155550101,{new string('x', 10_000)}\n"),
                Report(2, 1, skipped: 1), r =>
                {
                    var skipped = r.GetProperty("skipped")[0];
                    Assert.Contains("longer than 100 characters", skipped.GetProperty("reason").GetString());
                    Assert.Equal(201, skipped.GetProperty("values").GetProperty("name").GetString()!.Length);
                    Assert.Equal(10_000, r.GetProperty("preview")[0].GetProperty("extra").GetProperty("notes").GetString()!.Length);
                }),
            new("blank-lines", Utf8("\n\r\nname,business_name,phone\n\n\nAnn,Acme,4155550100\n   \n,,\n\t\nBob,Beta,4155550101\n\n"), Report(2, 2)),
            new("cr-only-line-endings", Utf8("name,business_name,phone\rAnn,Acme,4155550100\rBob,Beta,4155550101\r"), Report(2, 2)),
            new("duplicate-headers", Utf8("name,business_name,phone,phone,Name\nAnn,Acme,4155550100,4155559999,Other\n"), Report(1, 1), r =>
            {
                var columns = r.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
                Assert.Equal(["name", "business_name", "phone", "phone_2", "name_2"], columns);
                Assert.Equal("+14155550100", r.GetProperty("preview")[0].GetProperty("phone").GetString());
            }),
            new("aliases", Utf8("Full Name;Company;Mobile;Lead Source\nAnn Lee;Acme;415-555-0100;Web\n"), Report(1, 1),
                r => Assert.Equal("Web", r.GetProperty("preview")[0].GetProperty("extra").GetProperty("lead_source").GetString())),
            new("trailing-separator", Utf8("name,business_name,phone,\nAnn,Acme,4155550100,\nBob,Beta,4155550101\n"), Report(2, 2)),
            new("field-counts", Utf8("name,business_name,phone,city\nAnn,Acme,4155550100,Oakland,extra\nBob,Beta,4155550101\nCid,Gamma,4155550102,Fresno,,\n"),
                Report(3, 1, skipped: 2), r =>
                {
                    var reasons = r.GetProperty("skipped").EnumerateArray().Select(s => s.GetProperty("reason").GetString()).ToArray();
                    Assert.StartsWith("The row has 5 fields but the header has 4", reasons[0]);
                    Assert.StartsWith("The row has 3 fields but the header has 4", reasons[1]);
                }),
            new("many-columns", Utf8(string.Join(",", Enumerable.Range(0, 300).Select(i => $"col {i}")) + ",name,business_name,phone\n"
                + string.Join(",", Enumerable.Range(0, 300)) + ",Ann,Acme,4155550100\n"), Report(1, 1)),
            new("phones", Utf8(Header + "\nA,X,(415) 555-0123\nB,X,415.555.0124\nC,X,1-415-555-0125\nD,X,+44 20 7946 0958\nE,X,011 44 20 7946 0959\n"
                + "F,X,12\nG,X,+1 415 555 0123 4567 8901\nH,X,call me 4155550199\nI,X,+1 900 555 0100\nJ,X,\nK,X,+1 (415) 555-0123\n"),
                Report(11, 5, skipped: 5, duplicates: 1), r =>
                {
                    var reasons = r.GetProperty("skipped").EnumerateArray().Select(s => s.GetProperty("reason").GetString()!).ToArray();
                    Assert.Contains("too short", reasons[0]);
                    Assert.Contains("too long", reasons[1]);
                    Assert.Contains("letters", reasons[2]);
                    Assert.Contains("premium rate", reasons[3]);
                    Assert.Contains("Phone is empty", reasons[4]);
                    Assert.Equal(2, r.GetProperty("duplicates")[0].GetProperty("firstRow").GetInt32());
                }),
            new("headers-only", Utf8(Header + "\r\n"), Report(0, 0)),

            // ---- not a contact list at all
            new("empty", [], Rejected("empty")),
            new("whitespace-only", Utf8("\r\n  \n\t\n"), Rejected("empty")),
            new("bom-only", WithBom(new UTF8Encoding(true), ""), Rejected("empty")),
            new("missing-headers", Utf8("first,last,number\nAnn,Lee,4155550100\n"), Rejected("missing the required columns name, business_name")),
            new("data-without-header", Utf8("Ann,Acme,4155550100\nBob,Beta,4155550101\n"), Rejected("missing the required columns")),
            new("binary-garbage", BinaryGarbage(), Rejected("binary")),
            new("nul-in-text", Utf8(Header + "\nAnn\0,Acme,4155550100\n"), Rejected("binary")),
            new("html", Utf8("<!DOCTYPE html>\n<html><body><table><tr><td>name</td></tr></table></body></html>\n"), Rejected("HTML")),
            new("xlsx-renamed", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, .. Utf8("[Content_Types].xml")], Rejected("Excel")),
            new("pdf", Utf8("%PDF-1.7\n%âãÏÓ\n1 0 obj\n"), Rejected("PDF")),
            new("prose", Utf8("Dear team,\nplease find the leads attached.\nThanks!\n"), Rejected("missing the required columns")),
        };
        return list;
    }

    /// <summary>Every expected string appears somewhere in the preview (names, businesses, phones or extra values).</summary>
    private static void AssertPreview(System.Text.Json.JsonElement report, params string[] expected)
    {
        var text = report.GetProperty("preview").ToString();
        var values = report.GetProperty("preview").EnumerateArray()
            .SelectMany(p => new[] { p.GetProperty("name").GetString(), p.GetProperty("businessName").GetString(), p.GetProperty("phone").GetString() }
                .Concat(p.TryGetProperty("extra", out var extra) && extra.ValueKind == System.Text.Json.JsonValueKind.Object
                    ? extra.EnumerateObject().Select(e => e.Value.GetString()) : []))
            .ToHashSet();
        foreach (var e in expected) Assert.True(values.Contains(e), $"\"{e}\" not in the preview: {text}");
    }

    /// <summary>2,000 plain ASCII rows (more than the 64 KB the encoding is guessed from), then a Windows-1252 name.</summary>
    private static byte[] Windows1252AfterFirst64K()
    {
        var sb = new StringBuilder(Header + ",notes\n");
        for (var i = 0; i < 2000; i++) sb.Append($"Person {i},Business {i},+1415555{i:0000},{new string('x', 20)}\n");
        sb.Append("Zoë Ångström,Café,12,\n");
        return Encoding.GetEncoding(1252).GetBytes(sb.ToString());
    }

    private static byte[] BinaryGarbage()
    {
        var bytes = new byte[4096];
        new Random(1234).NextBytes(bytes);
        bytes[10] = 0;
        return bytes;
    }
}
