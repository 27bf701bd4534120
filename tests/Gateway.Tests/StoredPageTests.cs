using Autopilot.Contracts;
using Autopilot.Grains;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Autopilot.Gateway.Tests;

/// <summary>
/// Over Redis a page is read from storage (<c>RedisStoredRecords</c>): the index's names, their records and the records at
/// the other ends of their links in one script, and no grain call. Records stored around their grains show
/// in the page as stored, links confirmed only where both ends agree, and no grain of theirs is activated by the read.
/// </summary>
[Collection(GatewayCollection.Name)]
[Trait("Category", "contract")]
public sealed class StoredPageTests(GatewayFixture fixture)
{
    [Fact]
    public async Task A_page_is_read_from_storage_with_its_links_and_activates_none_of_its_rows_grains()
    {
        var prefix = $"Stored {Guid.NewGuid():N}"[..15];
        var (linked, unclaimed, rep, otherRep) = ($"{prefix} A", $"{prefix} B", $"{prefix} Rep A", $"{prefix} Rep B");
        var services = fixture.SiloServices;
        var grains = services.GetRequiredService<IGrainFactory>();
        var stored = services.GetRequiredService<IStoredRecords>();
        Assert.True(stored.Reads(TablesGrain.Customers(grains)) && stored.Reads(TablesGrain.SalesReps(grains)), "the silo's store reads no page past its activations");

        // Stored as the grains store them, but around them: no activation of any of the four.
        await Store(Catalogs.Customers, "customer", linked, new CustomerState { Location = "Reno", Rep = rep });
        await Store(Catalogs.Customers, "customer", unclaimed, new CustomerState { Location = "Elko", Rep = otherRep });
        await Store(Catalogs.Sales, "salesrep", rep, new SalesRepState { Phone = "555-0150", Client = linked });
        await Store(Catalogs.Sales, "salesrep", otherRep, new SalesRepState { Phone = "555-0151", Client = null });
        await services.GetRequiredService<IRecordIndex>().Add(Catalogs.Customers, $"{prefix} C"); // listed, never stored

        var customers = await fixture.Client.GetOk<CustomerRecord[]>($"/customers?limit=3&after={PageRequest.Encode(prefix)}");
        var reps = await fixture.Client.GetOk<SalesRepRecord[]>($"/sales?limit=2&after={PageRequest.Encode(prefix)}");

        var silo = services.GetRequiredService<ILocalSiloDetails>().Name;
        Assert.Equal(
            [new CustomerRecord(linked, "Reno", rep, silo, silo), new CustomerRecord(unclaimed, "Elko", null, silo, silo)],
            customers);
        Assert.Equal(
            [new SalesRepRecord(rep, "555-0150", linked, "Reno", silo, silo), new SalesRepRecord(otherRep, "555-0151", null, null, silo, null)],
            reps);

        var active = await grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        Assert.DoesNotContain(active, grain => grain.GrainId.Key.ToString().StartsWith(prefix, StringComparison.Ordinal));
    }

    private async Task Store<T>(string kind, string stateName, string name, T state)
        where T : class, new()
    {
        await fixture.SiloServices.GetRequiredService<IRecordIndex>().Add(kind, name);
        await fixture.SiloServices.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name)
            .WriteStateAsync(stateName, GrainId.Create(stateName, name), new GrainState<T>(state));
    }
}
