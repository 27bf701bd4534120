using System.Diagnostics;
using Autopilot.Contracts;

namespace Autopilot.Grains.Tests;

/// <summary>
/// A read does not wait on a sick other end: past <see cref="LinkConfirmation.Within"/> it answers its own claim,
/// unconfirmed; nor on its own record's write that waits on one.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "unit")]
public sealed class LinkConfirmationTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Answered = LinkConfirmation.Within + TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_customer_whose_rep_does_not_answer_is_read_at_once_with_its_rep_unconfirmed()
    {
        var company = Unique.Name("Soylent");
        var rep = Unique.Name(ClusterFixture.Frozen);
        await fixture.Grains.GetGrain<ICustomerGrain>(company).Put("New York");
        await fixture.Grains.GetGrain<ISalesRepGrain>(rep).Put("555-0110", company);

        var clock = Stopwatch.StartNew();
        var row = await fixture.Grains.GetGrain<ICustomerGrain>(company).Get();

        Assert.True(clock.Elapsed < Answered, $"the read took {clock.Elapsed.TotalSeconds:0.0} s; its rep answers after {ClusterFixture.FrozenFor.TotalSeconds} s");
        Assert.Equal((company, "New York", rep, (string?)null), (row!.Company, row.Location, row.Rep, row.RepSource));
        Assert.False(string.IsNullOrEmpty(row.Source));
    }

    [Fact]
    public async Task A_rep_whose_client_does_not_answer_is_read_at_once_with_its_client_unconfirmed_and_no_territory()
    {
        var company = Unique.Name(ClusterFixture.Frozen);
        var rep = Unique.Name("Sol");
        await fixture.Grains.GetGrain<ICustomerGrain>(company).Put("New York");
        await fixture.Grains.GetGrain<ISalesRepGrain>(rep).Put("555-0111", company);

        var clock = Stopwatch.StartNew();
        var row = await fixture.Grains.GetGrain<ISalesRepGrain>(rep).Get();

        Assert.True(clock.Elapsed < Answered, $"the read took {clock.Elapsed.TotalSeconds:0.0} s; its client answers after {ClusterFixture.FrozenFor.TotalSeconds} s");
        Assert.Equal((rep, company, (string?)null, (string?)null), (row!.Rep, row.Client, row.Territory, row.TerritorySource));
    }

    [Fact]
    public async Task Once_the_other_end_answers_in_time_the_link_is_confirmed_with_its_source()
    {
        var company = Unique.Name("Wonka");
        var rep = Unique.Name("Charlie");
        await fixture.Grains.GetGrain<ICustomerGrain>(company).Put("Chicago");
        await fixture.Grains.GetGrain<ISalesRepGrain>(rep).Put("555-0112", company);

        var row = await fixture.Grains.GetGrain<ICustomerGrain>(company).Get();

        Assert.Equal(rep, row!.Rep);
        Assert.False(string.IsNullOrEmpty(row.RepSource));
    }

    [Fact]
    public async Task A_rep_whose_write_waits_on_a_sick_client_is_still_read_at_once_as_storage_last_confirmed_it()
    {
        var rep = Unique.Name("Dana");
        var grain = fixture.Grains.GetGrain<ISalesRepGrain>(rep);
        await grain.Put("555-0113", null);
        var client = Unique.Name(ClusterFixture.Frozen);
        await fixture.Grains.GetGrain<ICustomerGrain>(client).Put("Boston");

        var moving = grain.Put("555-0114", client); // its client's AssignRep answers after FrozenFor
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        var clock = Stopwatch.StartNew();
        var row = await grain.Get();

        Assert.True(clock.Elapsed < Answered, $"the read took {clock.Elapsed.TotalSeconds:0.0} s behind the write");
        Assert.False(moving.IsCompleted, "the write was to be still in flight while the rep was read");
        Assert.Equal(("555-0113", (string?)null), (row!.Phone, row.Client));
        Assert.Equal("555-0114", (await moving).Record!.Phone);
    }
}
