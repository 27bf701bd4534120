using Autopilot.Contracts;

namespace Autopilot.Grains.Tests;

[Collection(ClusterCollection.Name)]
[Trait("Category", "unit")]
public sealed class TablesGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Customers_lists_every_customer_joined_with_its_rep_in_catalog_order()
    {
        var company = Unique.Name("Cyberdyne");
        var rep = Unique.Name("Miles");
        await fixture.Grains.GetGrain<ICustomerGrain>(company).Put("Los Angeles");
        await fixture.Grains.GetGrain<ISalesRepGrain>(rep).Put("555-0101", company);

        var rows = await fixture.Grains.GetGrain<ITablesGrain>(0).Customers();

        var row = Assert.Single(rows, r => r.Company == company);
        Assert.Equal(("Los Angeles", rep), (row.Location, row.Rep!));
        Assert.False(string.IsNullOrEmpty(row.Source));
        var names = (await fixture.Grains.GetGrain<ICatalogGrain>(Catalogs.Customers).List()).ToList();
        Assert.Equal(names.Where(n => rows.Any(r => r.Company == n)), rows.Select(r => r.Company));
    }

    [Fact]
    public async Task SalesReps_lists_every_rep_joined_with_its_clients_territory()
    {
        var company = Unique.Name("Tyrell");
        var rep = Unique.Name("Rachael");
        await fixture.Grains.GetGrain<ICustomerGrain>(company).Put("Los Angeles");
        await fixture.Grains.GetGrain<ISalesRepGrain>(rep).Put("555-0102", company);

        var rows = await fixture.Grains.GetGrain<ITablesGrain>(0).SalesReps();

        var row = Assert.Single(rows, r => r.Rep == rep);
        Assert.Equal((company, "Los Angeles", "555-0102"), (row.Client!, row.Territory!, row.Phone));
        Assert.False(string.IsNullOrEmpty(row.TerritorySource));
    }
}
