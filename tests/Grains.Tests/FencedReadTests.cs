using Autopilot.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Autopilot.Grains.Tests;

/// <summary>
/// A read answers from an activation's memory only while storage still holds that activation's version. Here another
/// writer changes the stored record behind the activation's back, as the activation that took over on another silo does
/// while the old one, on a silo cut off from its peers, still answers the gateways (issue 19's stale read).
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "unit")]
public sealed class FencedReadTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_customer_read_from_a_superseded_activation_is_refused_and_the_next_read_sees_the_newer_write()
    {
        var customer = fixture.Grains.GetGrain<ICustomerGrain>(Unique.Name("Superseded"));
        await customer.Put("Atlanta");

        await WriteElsewhere(customer, "customer", (CustomerState s) => s with { Location = "Boston" });

        await Assert.ThrowsAsync<InconsistentStateException>(() => customer.Get());
        Assert.Equal("Boston", (await customer.Get())!.Location);
    }

    [Fact]
    public async Task A_rep_read_from_a_superseded_activation_is_refused_and_the_next_read_sees_the_newer_write()
    {
        var rep = fixture.Grains.GetGrain<ISalesRepGrain>(Unique.Name("Superseded"));
        await rep.Put("555 0100", null);

        await WriteElsewhere(rep, "salesrep", (SalesRepState s) => s with { Phone = "555 0199" });

        await Assert.ThrowsAsync<InconsistentStateException>(() => rep.Get());
        Assert.Equal("555 0199", (await rep.Get())!.Phone);
    }

    [Fact]
    public async Task A_record_created_elsewhere_after_this_activation_found_none_is_not_answered_as_missing()
    {
        var customer = fixture.Grains.GetGrain<ICustomerGrain>(Unique.Name("CreatedElsewhere"));
        Assert.Null(await customer.Get());

        await WriteElsewhere(customer, "customer", (CustomerState s) => s with { Location = "Denver" });

        await Assert.ThrowsAsync<InconsistentStateException>(() => customer.Get());
        Assert.Equal("Denver", (await customer.Get())!.Location);
    }

    // Reads the grain's stored record straight from the silos' store, changes it and writes it back, version-checked.
    private async Task WriteElsewhere<T>(IAddressable grain, string stateName, Func<T, T> change)
    {
        var silo = (InProcessSiloHandle)fixture.Cluster.Primary!;
        var store = silo.SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);
        var stored = new GrainState<T>();
        await store.ReadStateAsync(stateName, grain.GetGrainId(), stored);
        stored.State = change(stored.State!);
        await store.WriteStateAsync(stateName, grain.GetGrainId(), stored);
    }
}
