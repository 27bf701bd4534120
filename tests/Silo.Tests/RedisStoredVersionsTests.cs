using Autopilot.Grains;
using Autopilot.Testing;

namespace Autopilot.Silo.Tests;

/// <summary>
/// The version a fenced read compares, read alone from a real Redis: the version Orleans' Redis grain storage wrote, at the
/// key it writes by default, so records stored before the key was made ours are found where they are.
/// </summary>
[Trait("Category", "unit")]
public sealed class RedisStoredVersionsTests
{
    [Fact]
    public async Task The_version_read_alone_is_the_one_Orleans_Redis_storage_wrote_at_its_default_key_and_none_before()
    {
        await using var redis = await RedisServer.StartAsync();
        var (cluster, storage) = RedisStorage.Settings("versions-test", redis.ConnectionString);
        await using var connection = RedisStorage.Connection(storage);
        var versions = new RedisStoredVersions(connection, cluster);
        var ours = RedisStoredVersions.Prefix(cluster.Value.ServiceId);

        // Orleans' own key (no GetStorageKey), and ours, as the silo configures it: the same hash.
        await using var byDefault = await RedisStorage.Start(storage, cluster, connection, new RedisStorage.JsonStorage(), getKey: null);
        await using var byOurKey = await RedisStorage.Start(storage, cluster, connection, new RedisStorage.JsonStorage(), (stateName, grainId) => RedisStoredVersions.Key(ours, stateName, grainId));
        var grain = GrainId.Create("customer", "Acme Café/1");

        Assert.Null((await versions.Read("customer", grain)).Etag);

        var written = new GrainState<CustomerState> { State = new CustomerState { Location = "Atlanta" } };
        await byDefault.WriteStateAsync("customer", grain, written);
        Assert.NotNull(written.ETag);
        Assert.Equal(written.ETag, (await versions.Read("customer", grain)).Etag);
        Assert.Null((await versions.Read("salesrep", grain)).Etag); // another state of the grain: another key

        var read = new GrainState<CustomerState>();
        await byOurKey.ReadStateAsync("customer", grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal("Atlanta", read.State!.Location);

        read.State = new CustomerState { Location = "Boston" };
        await byOurKey.WriteStateAsync("customer", grain, read);
        Assert.NotEqual(written.ETag, read.ETag);
        Assert.Equal(read.ETag, (await versions.Read("customer", grain)).Etag);
    }
}
