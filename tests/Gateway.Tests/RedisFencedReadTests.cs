using Autopilot.Contracts;
using Autopilot.Grains;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Autopilot.Gateway.Tests;

/// <summary>
/// The fenced read over Redis, where it checks the record's version alone (<c>RedisStoredVersions</c>): a record that
/// another writer changed behind the activation's back (as the activation that took over on another silo does, issue 19)
/// is never answered stale; the gateway's next try reads the newer write.
/// </summary>
[Collection(GatewayCollection.Name)]
[Trait("Category", "contract")]
public sealed class RedisFencedReadTests(GatewayFixture fixture)
{
    [Fact]
    public async Task A_customer_changed_in_Redis_behind_its_activation_is_read_as_stored_never_stale()
    {
        var company = $"Fenced {Guid.NewGuid():N}"[..20];
        var path = Http.Path("customers", company);
        await (await fixture.Client.PutObject(path, new { location = "Atlanta" })).Ok<CustomerRecord>();
        Assert.Equal("Atlanta", (await fixture.Client.GetOk<CustomerRecord>(path)).Location); // the activation holds its version

        // Another writer, through the silo's own store (Redis, version-checked).
        Assert.True(fixture.SiloServices.GetRequiredService<IStoredVersions>().Supported, "the silo's store reads no version alone");
        var store = fixture.SiloServices.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);
        var grain = GrainId.Create("customer", company);
        var stored = new GrainState<CustomerState>();
        await store.ReadStateAsync("customer", grain, stored);
        Assert.Equal("Atlanta", stored.State!.Location);
        stored.State = stored.State with { Location = "Boston" };
        await store.WriteStateAsync("customer", grain, stored);

        Assert.Equal("Boston", (await fixture.Client.GetOk<CustomerRecord>(path)).Location);
        Assert.Equal("Boston", (await fixture.Client.GetOk<CustomerRecord>(path)).Location);
    }
}
