using System.Net;
using Autopilot.Contracts;

namespace Autopilot.Gateway.Tests;

[Collection(GatewayCollection.Name)]
[Trait("Category", "contract")]
public sealed class SalesRoutesTests(GatewayFixture fixture)
{
    private HttpClient Client => fixture.Client;

    private static string NewName(string prefix) => $"{prefix} {Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private async Task<string> NewCustomer(string location)
    {
        var company = NewName("Co");
        await (await Client.PutObject(Http.Path("customers", company), new { location })).Ok<CustomerRecord>();
        return company;
    }

    [Fact]
    public async Task Sales_lists_the_four_seeded_reps_with_their_clients_territory()
    {
        var rows = await Client.GetOk<SalesRepRecord[]>("/sales");

        var seeded = rows.Where(r => r.Rep is "Alice" or "Bob" or "Carol" or "Dave")
            .ToDictionary(r => r.Rep, r => (r.Phone, r.Client, r.Territory));
        Assert.Equal(("555-1234", "ACME Corporation", "Atlanta"), seeded["Alice"]!);
        Assert.Equal(("555-2341", "Vandelay Industries", "Boston"), seeded["Bob"]!);
        Assert.Equal(("555-3412", "Hooli", "Chicago"), seeded["Carol"]!);
        Assert.Equal(("555-4123", "Initech", "Denver"), seeded["Dave"]!);
        Assert.All(rows, r => Assert.False(string.IsNullOrEmpty(r.Source)));
    }

    [Fact]
    public async Task Put_creates_a_rep_and_both_tables_show_the_link()
    {
        var company = await NewCustomer("Portland");
        var rep = NewName("Erin");

        var row = await (await Client.PutObject(Http.Path("sales", rep), new { phone = "555-0100", client = company })).Ok<SalesRepRecord>();

        Assert.Equal((rep, "555-0100", company, "Portland"), (row.Rep, row.Phone, row.Client!, row.Territory!));
        Assert.Equal(rep, (await Client.GetOk<CustomerRecord>(Http.Path("customers", company))).Rep);
        Assert.Contains(await Client.All<SalesRepRecord>("sales"), r => r.Rep == rep);
        Assert.Equal(row, await Client.GetOk<SalesRepRecord>(Http.Path("sales", rep)));
    }

    [Fact]
    public async Task Reassigning_a_client_over_http_moves_it_between_reps()
    {
        var first = await NewCustomer("Salem");
        var second = await NewCustomer("Eugene");
        var frank = NewName("Frank");
        var grace = NewName("Grace");
        await (await Client.PutObject(Http.Path("sales", frank), new { phone = "555-0101", client = first })).Ok<SalesRepRecord>();
        await (await Client.PutObject(Http.Path("sales", grace), new { phone = "555-0102", client = second })).Ok<SalesRepRecord>();

        await (await Client.PutObject(Http.Path("sales", frank), new { phone = "555-0101", client = second })).Ok<SalesRepRecord>();

        Assert.Null((await Client.GetOk<SalesRepRecord>(Http.Path("sales", grace))).Client);
        Assert.Equal(frank, (await Client.GetOk<CustomerRecord>(Http.Path("customers", second))).Rep);
        Assert.Null((await Client.GetOk<CustomerRecord>(Http.Path("customers", first))).Rep);
    }

    [Fact]
    public async Task An_unknown_client_is_a_422_problem_and_changes_nothing()
    {
        var company = await NewCustomer("Provo");
        var rep = NewName("Heidi");
        await (await Client.PutObject(Http.Path("sales", rep), new { phone = "555-0103", client = company })).Ok<SalesRepRecord>();

        var detail = await (await Client.PutObject(Http.Path("sales", rep), new { phone = "555-0000", client = "Nowhere Inc" }))
            .Problem(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("Nowhere Inc", detail, StringComparison.Ordinal);
        var row = await Client.GetOk<SalesRepRecord>(Http.Path("sales", rep));
        Assert.Equal(("555-0103", company), (row.Phone, row.Client!));
    }

    [Theory]
    [InlineData("Bad/Rep", """{"phone":"555-0104"}""", "rep may hold only")]
    [InlineData("{new}", """{"client":"Hooli"}""", "phone is required")]
    [InlineData("{new}", """{"phone":"call me"}""", "phone may hold only")]
    [InlineData("{new}", """{"phone":"555-0104","client":"Bad<Client"}""", "client may hold only")]
    [InlineData("{new}", """{"phone":555}""", "not valid JSON")]
    public async Task Bad_input_is_a_400_problem_and_creates_nothing(string rep, string body, string detailPart)
    {
        var target = rep == "{new}" ? NewName("Ivan") : rep;

        var detail = await (await Client.PutJson(Http.Path("sales", target), body)).Problem(HttpStatusCode.BadRequest);

        Assert.Contains(detailPart, detail, StringComparison.Ordinal);
        Assert.DoesNotContain(await Client.All<SalesRepRecord>("sales"), r => r.Rep == target);
    }

    [Fact]
    public async Task An_unknown_rep_is_a_404_problem()
    {
        await (await Client.GetRaw(Http.Path("sales", NewName("Nobody")))).Problem(HttpStatusCode.NotFound);
    }
}
