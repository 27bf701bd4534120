using Autopilot.Contracts;
using Autopilot.Testing;

namespace Autopilot.Grains.Tests;

/// <summary>When storage refuses a write, nothing of it is visible afterwards: not to reads, not to the other side of a link.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "unit")]
public sealed class FailedWriteTests(ClusterFixture fixture)
{
    /// <summary>Orleans reports a failed write as its own exception around the store's.</summary>
    private static async Task StorageFails(Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<OrleansException>(call);
        Assert.IsType<IOException>(e.InnerException);
    }

    private ICustomerGrain Customer(string name) => fixture.Grains.GetGrain<ICustomerGrain>(name);

    private ISalesRepGrain Rep(string name) => fixture.Grains.GetGrain<ISalesRepGrain>(name);

    [Fact]
    public async Task A_create_whose_write_fails_leaves_no_record_and_no_row()
    {
        var company = Unique.Name("Never");
        FaultyGrainStorage.FailNextWrite(Customer(company));

        await StorageFails(() => Customer(company).Put("Nowhere"));

        Assert.Null(await Customer(company).Get());
        Assert.False((await Customer(company).Facts()).Exists);
        var page = await fixture.Grains.GetGrain<ITablesGrain>(0).Customers(company[..^1], 1000);
        Assert.DoesNotContain(page.Rows, row => row.Company == company);
    }

    [Fact]
    public async Task An_update_whose_write_fails_leaves_the_stored_location()
    {
        var company = Unique.Name("Stays");
        await Customer(company).Put("Portland");
        FaultyGrainStorage.FailNextWrite(Customer(company));

        await StorageFails(() => Customer(company).Put("Salem"));

        Assert.Equal("Portland", (await Customer(company).Get())!.Location);
        Assert.Equal("Portland", (await Customer(company).Facts()).Location);
        Assert.Equal("Salem", (await Customer(company).Put("Salem")).Location);
    }

    [Fact]
    public async Task A_client_reassignment_whose_write_fails_changes_neither_end()
    {
        var company = Unique.Name("Kept");
        var owner = Unique.Name("Owner");
        var taker = Unique.Name("Taker");
        await Customer(company).Put("Tulsa");
        await Rep(owner).Put("555-0100", company);
        FaultyGrainStorage.FailNextWrite(Customer(company));

        await StorageFails(() => Rep(taker).Put("555-0200", company));

        Assert.Equal(owner, (await Customer(company).Get())!.Rep);
        Assert.Equal(owner, (await Customer(company).Facts()).Rep);
        Assert.Equal((company, "Tulsa"), ((await Rep(owner).Get())!.Client!, (await Rep(owner).Get())!.Territory!));
        Assert.Null(await Rep(taker).Get());
    }

    [Fact]
    public async Task A_rep_whose_own_write_fails_is_not_shown_and_a_retry_completes_the_move()
    {
        var company = Unique.Name("Moving");
        var owner = Unique.Name("Before");
        var taker = Unique.Name("After");
        await Customer(company).Put("Omaha");
        await Rep(owner).Put("555-0300", company);
        FaultyGrainStorage.FailNextWrite(Rep(taker));

        await StorageFails(() => Rep(taker).Put("555-0400", company));

        Assert.Null(await Rep(taker).Get());
        var retried = await Rep(taker).Put("555-0400", company);
        Assert.Equal((company, "Omaha"), (retried.Record!.Client!, retried.Record.Territory!));
        Assert.Equal(taker, (await Customer(company).Get())!.Rep);
        await Eventually.Holds(() => Rep(owner).Get(), row => row!.Client is null, TimeSpan.FromSeconds(30), "the rep's record loses the client");
    }
}
