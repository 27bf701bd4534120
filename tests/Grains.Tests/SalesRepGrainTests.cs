using Autopilot.Contracts;
using Autopilot.Testing;

namespace Autopilot.Grains.Tests;

[Collection(ClusterCollection.Name)]
[Trait("Category", "unit")]
public sealed class SalesRepGrainTests(ClusterFixture fixture)
{
    private async Task<string> NewCustomer(string location)
    {
        var company = Unique.Name("Co");
        await fixture.Grains.GetGrain<ICustomerGrain>(company).Put(location);
        return company;
    }

    private ISalesRepGrain Rep(string name) => fixture.Grains.GetGrain<ISalesRepGrain>(name);

    private ICustomerGrain Customer(string name) => fixture.Grains.GetGrain<ICustomerGrain>(name);

    [Fact]
    public async Task A_rep_row_shows_its_clients_territory_and_the_client_row_shows_the_rep()
    {
        var company = await NewCustomer("Austin");
        var rep = Unique.Name("Erin");

        var result = await Rep(rep).Put("555-0001", company);

        Assert.NotNull(result.Record);
        Assert.Equal((rep, "555-0001", company, "Austin"), (result.Record.Rep, result.Record.Phone, result.Record.Client!, result.Record.Territory!));
        Assert.Equal(rep, (await Customer(company).Get())!.Rep);
        Assert.Contains(rep, await fixture.Listed(Catalogs.Sales));
    }

    [Fact]
    public async Task The_territory_follows_the_client_when_the_customer_moves()
    {
        var company = await NewCustomer("Austin");
        var rep = Unique.Name("Frank");
        await Rep(rep).Put("555-0002", company);

        await Customer(company).Put("El Paso");

        Assert.Equal("El Paso", (await Rep(rep).Get())!.Territory);
    }

    [Fact]
    public async Task Rep_write_survives_deactivation_of_both_ends()
    {
        var company = await NewCustomer("Miami");
        var rep = Unique.Name("Grace");
        await Rep(rep).Put("555-0003", company);

        foreach (var grain in new IAddressable[] { Rep(rep), Customer(company) })
        {
            await fixture.Cluster.DeactivateAsync(grain);
            await fixture.Cluster.WaitForDeactivationAsync(grain);
        }

        var row = await Rep(rep).Get();
        Assert.NotNull(row);
        Assert.Equal(("555-0003", company, "Miami"), (row.Phone, row.Client!, row.Territory!));
        Assert.Equal(rep, (await Customer(company).Get())!.Rep);
    }

    [Fact]
    public async Task Reassigning_a_client_moves_it_from_the_old_rep_to_the_new_one()
    {
        var first = await NewCustomer("Reno");
        var second = await NewCustomer("Tulsa");
        var heidi = Unique.Name("Heidi");
        var ivan = Unique.Name("Ivan");
        await Rep(heidi).Put("555-0004", first);
        await Rep(ivan).Put("555-0005", second);

        var moved = await Rep(heidi).Put("555-0004", second);

        Assert.Equal((second, "Tulsa"), (moved.Record!.Client!, moved.Record.Territory!));
        Assert.Equal(heidi, (await Customer(second).Get())!.Rep);
        Assert.Null((await Customer(first).Get())!.Rep);
        var ivanRow = (await Rep(ivan).Get())!;
        Assert.Null(ivanRow.Client);
        Assert.Null(ivanRow.Territory);

        // The old rep also forgets the claim in its own storage, not only in what it shows.
        await Eventually.Holds(() => Rep(ivan).Facts(), facts => facts.Client is null, TimeSpan.FromSeconds(30), "the rep's facts lose the client");
    }

    [Fact]
    public async Task Dropping_the_client_frees_the_customer()
    {
        var company = await NewCustomer("Boise");
        var rep = Unique.Name("Judy");
        await Rep(rep).Put("555-0006", company);

        var result = await Rep(rep).Put("555-0006", null);

        Assert.Null(result.Record!.Client);
        Assert.Null((await Customer(company).Get())!.Rep);
    }

    [Fact]
    public async Task An_unknown_client_is_refused_and_changes_nothing()
    {
        var company = await NewCustomer("Omaha");
        var rep = Unique.Name("Mallory");
        await Rep(rep).Put("555-0007", company);
        var unknown = Unique.Name("Nowhere");

        var result = await Rep(rep).Put("555-9999", unknown);

        Assert.Null(result.Record);
        Assert.Equal(unknown, result.UnknownClient);
        var row = (await Rep(rep).Get())!;
        Assert.Equal(("555-0007", company), (row.Phone, row.Client!));
        Assert.Null(await Customer(unknown).Get());
    }

    [Fact]
    public async Task A_new_rep_with_an_unknown_client_is_not_created()
    {
        var rep = Unique.Name("Niaj");

        var result = await Rep(rep).Put("555-0008", Unique.Name("Nowhere"));

        Assert.Null(result.Record);
        Assert.Null(await Rep(rep).Get());
        Assert.DoesNotContain(rep, await fixture.Listed(Catalogs.Sales));
    }

    [Theory]
    [InlineData("555-CALL", null)]
    [InlineData("555-0009", "Bad/Client")]
    public async Task Invalid_input_is_refused_by_the_grain(string phone, string? client)
    {
        var rep = Unique.Name("Olivia");

        await Assert.ThrowsAsync<ValidationException>(() => Rep(rep).Put(phone, client));

        Assert.Null(await Rep(rep).Get());
    }

    [Fact]
    public async Task Two_reps_swapping_clients_at_once_end_consistent_without_deadlock()
    {
        var a = await NewCustomer("Akron");
        var b = await NewCustomer("Boulder");
        var peggy = Unique.Name("Peggy");
        var rupert = Unique.Name("Rupert");
        await Rep(peggy).Put("555-0010", a);
        await Rep(rupert).Put("555-0011", b);

        for (var round = 0; round < 10; round++)
        {
            var (peggyTakes, rupertTakes) = round % 2 == 0 ? (b, a) : (a, b);
            await Task.WhenAll(Rep(peggy).Put("555-0010", peggyTakes), Rep(rupert).Put("555-0011", rupertTakes))
                .WaitAsync(TimeSpan.FromSeconds(20));
        }

        // Whatever the interleaving, a link is shown only where both ends agree: no customer has two reps,
        // and each rep shown on a customer shows that customer back.
        foreach (var company in new[] { a, b })
        {
            var row = (await Customer(company).Get())!;
            if (row.Rep is { } rep)
            {
                Assert.Equal(company, (await Rep(rep).Get())!.Client);
            }
        }

        var clients = new[] { (await Rep(peggy).Get())!.Client, (await Rep(rupert).Get())!.Client }.OfType<string>().ToList();
        Assert.Equal(clients.Count, clients.Distinct().Count());
    }
}
