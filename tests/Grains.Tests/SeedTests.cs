using Autopilot.Contracts;

namespace Autopilot.Grains.Tests;

[Collection(ClusterCollection.Name)]
[Trait("Category", "unit")]
public sealed class SeedTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Seed_puts_the_workshops_customers_joined_with_their_reps()
    {
        await fixture.Grains.GetGrain<ISeedGrain>(0).EnsureSeeded();

        var expected = new Dictionary<string, (string Location, string Rep)>
        {
            ["ACME Corporation"] = ("Atlanta", "Alice"),
            ["Vandelay Industries"] = ("Boston", "Bob"),
            ["Hooli"] = ("Chicago", "Carol"),
            ["Initech"] = ("Denver", "Dave"),
        };
        foreach (var (company, (location, rep)) in expected)
        {
            var row = await fixture.Grains.GetGrain<ICustomerGrain>(company).Get();
            Assert.NotNull(row);
            Assert.Equal((company, location, rep), (row.Company, row.Location, row.Rep));
            Assert.False(string.IsNullOrEmpty(row.Source));
            Assert.False(string.IsNullOrEmpty(row.RepSource));
        }

        var listed = await fixture.Listed(Catalogs.Customers);
        Assert.Subset(listed.ToHashSet(), expected.Keys.ToHashSet());
    }

    [Fact]
    public async Task Seed_puts_the_workshops_reps_joined_with_their_clients_territory()
    {
        await fixture.Grains.GetGrain<ISeedGrain>(0).EnsureSeeded();

        var expected = new[]
        {
            ("Alice", "555-1234", "ACME Corporation", "Atlanta"),
            ("Bob", "555-2341", "Vandelay Industries", "Boston"),
            ("Carol", "555-3412", "Hooli", "Chicago"),
            ("Dave", "555-4123", "Initech", "Denver"),
        };
        foreach (var (rep, phone, client, territory) in expected)
        {
            var row = await fixture.Grains.GetGrain<ISalesRepGrain>(rep).Get();
            Assert.NotNull(row);
            Assert.Equal((rep, phone, client, territory), (row.Rep, row.Phone, row.Client!, row.Territory!));
            Assert.False(string.IsNullOrEmpty(row.TerritorySource));
        }

        var listed = await fixture.Listed(Catalogs.Sales);
        Assert.Subset(listed.ToHashSet(), expected.Select(e => e.Item1).ToHashSet());
    }

    [Fact]
    public async Task Seeding_happens_once()
    {
        var seed = fixture.Grains.GetGrain<ISeedGrain>(0);
        await seed.EnsureSeeded();
        Assert.False(await seed.EnsureSeeded());

        await fixture.Cluster.DeactivateAsync(seed);
        await fixture.Cluster.WaitForDeactivationAsync(seed);
        Assert.False(await seed.EnsureSeeded());
    }
}
