using System.Net;
using Autopilot.Contracts;

namespace Autopilot.Gateway.Tests;

[Collection(GatewayCollection.Name)]
[Trait("Category", "contract")]
public sealed class CustomerRoutesTests(GatewayFixture fixture)
{
    private HttpClient Client => fixture.Client;

    private static string NewName(string prefix) => $"{prefix} {Guid.NewGuid():N}"[..(prefix.Length + 13)];

    [Fact]
    public async Task Customers_lists_the_four_seeded_rows_joined_with_their_reps()
    {
        var rows = await Client.GetOk<CustomerRecord[]>("/customers");

        var seeded = rows.Where(r => r.Company is "ACME Corporation" or "Vandelay Industries" or "Hooli" or "Initech")
            .ToDictionary(r => r.Company, r => (r.Location, r.Rep));
        Assert.Equal(("Atlanta", "Alice"), seeded["ACME Corporation"]);
        Assert.Equal(("Boston", "Bob"), seeded["Vandelay Industries"]);
        Assert.Equal(("Chicago", "Carol"), seeded["Hooli"]);
        Assert.Equal(("Denver", "Dave"), seeded["Initech"]);
        Assert.All(rows, r => Assert.False(string.IsNullOrEmpty(r.Source)));
    }

    [Fact]
    public async Task One_customer_is_read_by_its_url_encoded_name()
    {
        var row = await Client.GetOk<CustomerRecord>(Http.Path("customers", "ACME Corporation"));

        Assert.Equal(("ACME Corporation", "Atlanta", "Alice"), (row.Company, row.Location, row.Rep!));
    }

    [Fact]
    public async Task An_unknown_customer_is_a_404_problem()
    {
        var detail = await (await Client.GetRaw(Http.Path("customers", NewName("Nobody")))).Problem(HttpStatusCode.NotFound);

        Assert.Contains("no customer named", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_creates_and_then_updates_a_customer()
    {
        var company = NewName("Globex");
        var path = Http.Path("customers", company);

        var created = await (await Client.PutObject(path, new { location = "Springfield" })).Ok<CustomerRecord>();
        var updated = await (await Client.PutObject(path, new { location = "Cypress Creek" })).Ok<CustomerRecord>();

        Assert.Equal((company, "Springfield"), (created.Company, created.Location));
        Assert.Equal("Cypress Creek", updated.Location);
        Assert.Equal("Cypress Creek", (await Client.GetOk<CustomerRecord>(path)).Location);
        Assert.Contains(await Client.All<CustomerRecord>("customers"), r => r.Company == company);
    }

    public static TheoryData<string, string, string, HttpStatusCode, string> BadPuts => new()
    {
        { "bad name", "Bad<Name", """{"location":"Paris"}""", HttpStatusCode.BadRequest, "company may hold only" },
        { "name too long", new string('n', 65), """{"location":"Paris"}""", HttpStatusCode.BadRequest, "longer than 64" },
        { "bad location", "{existing}", """{"location":"Paris/Texas"}""", HttpStatusCode.BadRequest, "location may hold only" },
        { "missing location", "{existing}", """{}""", HttpStatusCode.BadRequest, "location is required" },
        { "bad JSON", "{existing}", """{"location":""", HttpStatusCode.BadRequest, "not valid JSON" },
        { "JSON array", "{existing}", """["Paris"]""", HttpStatusCode.BadRequest, "not valid JSON" },
        { "unknown field", "{existing}", """{"location":"Paris","ceo":"x"}""", HttpStatusCode.BadRequest, "ceo" },
        { "JSON null", "{existing}", "null", HttpStatusCode.BadRequest, "must be a JSON object" },
        { "oversize body", "{existing}", $$"""{"location":"Paris","pad":"{{new string('x', 5000)}}"}""", HttpStatusCode.RequestEntityTooLarge, "larger than 4096 bytes" },
    };

    [Theory]
    [MemberData(nameof(BadPuts))]
    public async Task Bad_input_is_a_4xx_problem_and_changes_nothing(string what, string company, string body, HttpStatusCode status, string detailPart)
    {
        var existing = NewName("Initrode");
        await (await Client.PutObject(Http.Path("customers", existing), new { location = "Austin" })).Ok<CustomerRecord>();
        var target = company == "{existing}" ? existing : company;
        var before = await Client.All<CustomerRecord>("customers");

        var detail = await (await Client.PutJson(Http.Path("customers", target), body)).Problem(status);

        Assert.True(detail.Contains(detailPart, StringComparison.Ordinal), $"{what}: detail was '{detail}'");
        Assert.Equal("Austin", (await Client.GetOk<CustomerRecord>(Http.Path("customers", existing))).Location);
        Assert.Equal(before.Select(r => r.Company), (await Client.All<CustomerRecord>("customers")).Select(r => r.Company));
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_is_a_415_problem()
    {
        var company = NewName("Hooli XYZ");

        await (await Client.PutJson(Http.Path("customers", company), "location=Paris", "application/x-www-form-urlencoded"))
            .Problem(HttpStatusCode.UnsupportedMediaType);

        await (await Client.GetRaw(Http.Path("customers", company))).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_bad_name_in_a_get_is_a_400_problem()
    {
        await (await Client.GetRaw("/customers/%3Cscript%3E")).Problem(HttpStatusCode.BadRequest);
    }
}
