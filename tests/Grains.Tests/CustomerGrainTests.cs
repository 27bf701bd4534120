using Autopilot.Contracts;

namespace Autopilot.Grains.Tests;

[Collection(ClusterCollection.Name)]
[Trait("Category", "unit")]
public sealed class CustomerGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Unknown_customer_has_no_row()
    {
        Assert.Null(await fixture.Grains.GetGrain<ICustomerGrain>(Unique.Name("Nobody")).Get());
    }

    [Fact]
    public async Task Put_creates_then_updates_and_lists_the_company_once()
    {
        var company = Unique.Name("Globex");
        var customer = fixture.Grains.GetGrain<ICustomerGrain>(company);

        var created = await customer.Put("Springfield");
        var updated = await customer.Put("Cypress Creek");

        Assert.Equal((company, "Springfield", (string?)null), (created.Company, created.Location, created.Rep));
        Assert.Equal("Cypress Creek", updated.Location);
        var listed = await fixture.Listed(Catalogs.Customers);
        Assert.Single(listed, name => name == company);
        Assert.Equal(listed.Order(NameOrder.Instance), listed);
    }

    [Fact]
    public async Task Customer_write_survives_deactivation()
    {
        var company = Unique.Name("Soylent");
        var customer = fixture.Grains.GetGrain<ICustomerGrain>(company);
        await customer.Put("New York");

        await fixture.Cluster.DeactivateAsync(customer);
        await fixture.Cluster.WaitForDeactivationAsync(customer);

        var row = await customer.Get();
        Assert.NotNull(row);
        Assert.Equal("New York", row.Location);
    }

    [Fact]
    public async Task Rows_name_a_silo_of_the_cluster_as_source()
    {
        var silos = fixture.Cluster.GetActiveSilos().Select(s => s.Name).ToHashSet();
        var company = Unique.Name("Tyrell");

        var row = await fixture.Grains.GetGrain<ICustomerGrain>(company).Put("Los Angeles");

        Assert.Contains(row.Source, silos);
    }

    [Theory]
    [InlineData("Bad<Name", "Paris")]
    [InlineData("Good Name", "")]
    [InlineData("Good Name", "Paris/Texas")]
    public async Task Invalid_input_is_refused_and_stores_nothing(string company, string location)
    {
        var name = company == "Good Name" ? Unique.Name("Good") : company;
        var customer = fixture.Grains.GetGrain<ICustomerGrain>(name);

        await Assert.ThrowsAsync<ValidationException>(() => customer.Put(location));

        Assert.Null(await customer.Get());
        Assert.DoesNotContain(name, await fixture.Listed(Catalogs.Customers));
    }

    [Fact]
    public async Task Invalid_update_leaves_the_stored_record_unchanged()
    {
        var company = Unique.Name("Umbrella");
        var customer = fixture.Grains.GetGrain<ICustomerGrain>(company);
        await customer.Put("Raccoon City");

        await Assert.ThrowsAsync<ValidationException>(() => customer.Put("<script>"));

        Assert.Equal("Raccoon City", (await customer.Get())!.Location);
    }
}
