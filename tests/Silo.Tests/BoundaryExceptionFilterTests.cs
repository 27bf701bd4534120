using Autopilot.Contracts;
using Orleans.Storage;
using StackExchange.Redis;

namespace Autopilot.Silo.Tests;

/// <summary>What a storage failure looks like once it leaves the silo: a type every caller can load, with its meaning kept.</summary>
[Trait("Category", "unit")]
public sealed class BoundaryExceptionFilterTests
{
    [Fact]
    public void A_version_conflict_leaves_as_Orleans_own_type_so_that_Orleans_deactivates_the_stale_copy()
    {
        var conflict = new InconsistentStateException("Version conflict (WriteStateAsync)", "etag-1", "etag-2", new RedisServerException("from Redis"));

        var translated = BoundaryExceptionFilter.Translate(conflict);

        var portable = Assert.IsType<InconsistentStateException>(translated);
        Assert.Equal(("etag-1", "etag-2"), (portable.StoredEtag, portable.CurrentEtag));
        Assert.Contains("Version conflict", portable.Message, StringComparison.Ordinal);
        Assert.True(BoundaryExceptionFilter.IsPortable(portable));
    }

    [Fact]
    public void A_Redis_that_cannot_be_reached_stored_nothing_and_another_Redis_failure_may_have()
    {
        Assert.False(Assert.IsType<StorageFaultException>(BoundaryExceptionFilter.Translate(new RedisConnectionException(ConnectionFailureType.UnableToConnect, "down"))).MayHaveStored);
        Assert.True(Assert.IsType<StorageFaultException>(BoundaryExceptionFilter.Translate(new RedisServerException("ERR"))).MayHaveStored);
    }
}
