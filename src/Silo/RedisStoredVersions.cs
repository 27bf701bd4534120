using System.Text;
using Autopilot.Grains;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Autopilot.Silo;

/// <summary>
/// The versions of the grains' records in Redis, read alone: one <c>HGET</c> of the <c>etag</c> field of the hash that
/// Orleans' Redis grain storage writes (<c>etag</c> and <c>data</c>), so a fenced read sends and deserializes no record.
/// The key is ours: <see cref="Key"/> is given to the storage as its <c>GetStorageKey</c>, so both read the same hash. It
/// builds the key Orleans builds by default (<c>{ServiceId}/state/{grain id type}/{grain id key}/{state name}</c>, in
/// UTF-8), so records stored before are found where they were; a test pins the two together.
/// </summary>
public sealed class RedisStoredVersions(RedisConnection connection, IOptions<ClusterOptions> cluster) : IStoredVersions
{
    private static readonly RedisValue EtagField = "etag";

    private readonly RedisKey prefix = Prefix(cluster.Value.ServiceId);

    public bool Supported => true;

    /// <summary>The key of a grain's record <paramref name="stateName"/>, under <c>{ServiceId}/state/</c>.</summary>
    public static RedisKey Key(RedisKey prefix, string stateName, GrainId grainId)
    {
        var type = grainId.Type.AsSpan();
        var key = grainId.Key.AsSpan();
        var suffix = new byte[type.Length + 1 + key.Length + 1 + Encoding.UTF8.GetByteCount(stateName)];
        type.CopyTo(suffix);
        suffix[type.Length] = (byte)'/';
        key.CopyTo(suffix.AsSpan(type.Length + 1));
        suffix[type.Length + 1 + key.Length] = (byte)'/';
        Encoding.UTF8.GetBytes(stateName, suffix.AsSpan(type.Length + 1 + key.Length + 1));
        return prefix.Append(suffix);
    }

    /// <summary>The prefix of every record's key for the service <paramref name="serviceId"/>.</summary>
    public static RedisKey Prefix(string serviceId) => Encoding.UTF8.GetBytes($"{serviceId}/state/");

    public async Task<StoredVersion> Read(string stateName, GrainId grainId)
    {
        var redis = await connection.GetAsync();
        var etag = await redis.GetDatabase().HashGetAsync(Key(prefix, stateName, grainId), EtagField);
        return new StoredVersion(etag.IsNull ? null : (string?)etag);
    }
}
