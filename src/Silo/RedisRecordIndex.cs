using Autopilot.Grains;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Autopilot.Silo;

/// <summary>
/// The record index as one Redis sorted set per kind (<c>{ServiceId}/index/{kind}</c>), beside the grain state it indexes:
/// every name with score 0, so the set is ordered by name (bytes of UTF-8, <see cref="NameOrder"/>). A create is one
/// <c>ZADD NX</c> and a page one <c>ZRANGEBYLEX</c>, both O(log N) in Redis and independent of any grain.
/// </summary>
public sealed class RedisRecordIndex(RedisConnection connection, IOptions<ClusterOptions> cluster) : IRecordIndex
{
    public async Task Add(string kind, string name, CancellationToken cancellationToken = default)
    {
        var redis = await connection.GetAsync();
        await redis.GetDatabase().SortedSetAddAsync(Key(kind), name, 0, SortedSetWhen.NotExists).WaitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<string>> After(string kind, string? after, int count, CancellationToken cancellationToken = default)
    {
        var redis = await connection.GetAsync();
        var names = await redis.GetDatabase()
            .SortedSetRangeByValueAsync(Key(kind), min: after is null ? default : (RedisValue)after, exclude: after is null ? Exclude.None : Exclude.Start, take: count)
            .WaitAsync(cancellationToken);
        return [.. names.Select(name => (string)name!)];
    }

    /// <summary>The sorted set of <paramref name="kind"/>'s names for the service <paramref name="serviceId"/>.</summary>
    public static RedisKey Key(string serviceId, string kind) => $"{serviceId}/index/{kind}";

    private RedisKey Key(string kind) => Key(cluster.Value.ServiceId, kind);
}
