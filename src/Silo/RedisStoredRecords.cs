using Autopilot.Grains;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;
using StackExchange.Redis;

namespace Autopilot.Silo;

/// <summary>
/// Records read straight from the hashes Orleans' Redis grain storage writes (<c>etag</c> and <c>data</c>, at
/// <see cref="RedisStoredVersions.Key"/>), deserialized by the storage's own serializer: a page of a table is one script
/// that reads the index's names (<see cref="RedisRecordIndex"/>) and each name's record at one instant, and the records
/// at the other ends of the page's links one more. A hash with empty <c>data</c>, or none, holds no record, as the
/// storage's own read says.
/// </summary>
public sealed class RedisStoredRecords(RedisConnection connection, IOptions<ClusterOptions> cluster, IGrainStorageSerializer serializer) : IStoredRecords
{
    // KEYS[1]: the index; ARGV: the lowest name ('-' or '(' and the name after which to start), how many, and what comes
    // before and after a name in its record's key. Answers each name followed by its record's data ('' when none).
    private const string PageScript = """
        local names = redis.call('ZRANGEBYLEX', KEYS[1], ARGV[1], '+', 'LIMIT', 0, tonumber(ARGV[2]))
        local rows = {}
        for i, name in ipairs(names) do
          rows[2 * i - 1] = name
          rows[2 * i] = redis.call('HGET', ARGV[3] .. name .. ARGV[4], 'data') or ''
        end
        return rows
        """;

    // KEYS: the records' keys. Answers each record's data ('' when none), in order.
    private const string ReadScript = """
        local rows = {}
        for i, key in ipairs(KEYS) do
          rows[i] = redis.call('HGET', key, 'data') or ''
        end
        return rows
        """;

    private readonly RedisKey prefix = RedisStoredVersions.Prefix(cluster.Value.ServiceId);

    public bool Supported => true;

    public async Task<IReadOnlyList<StoredRecord<T>>> Page<T>(string kind, GrainType type, string stateName, string? after, int count, CancellationToken cancellationToken = default)
        where T : class
    {
        var redis = await connection.GetAsync();
        var result = await redis.GetDatabase().ScriptEvaluateAsync(
            PageScript,
            [RedisRecordIndex.Key(cluster.Value.ServiceId, kind)],
            [after is null ? "-" : "(" + after, count, (byte[])prefix.Append(type.AsSpan().ToArray()).Append("/")!, "/" + stateName])
            .WaitAsync(cancellationToken);
        var rows = (RedisResult[])result!;
        var records = new List<StoredRecord<T>>(rows.Length / 2);
        for (var i = 0; i + 1 < rows.Length; i += 2)
        {
            records.Add(new StoredRecord<T>((string)rows[i]!, Deserialize<T>(rows[i + 1])));
        }

        return records;
    }

    public async Task<IReadOnlyList<StoredRecord<T>>> Read<T>(GrainType type, string stateName, IReadOnlyList<string> names, CancellationToken cancellationToken = default)
        where T : class
    {
        var redis = await connection.GetAsync();
        var keys = names.Select(name => RedisStoredVersions.Key(prefix, stateName, GrainId.Create(type, name))).ToArray();
        var rows = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(ReadScript, keys).WaitAsync(cancellationToken))!;
        return [.. names.Select((name, i) => new StoredRecord<T>(name, Deserialize<T>(rows[i])))];
    }

    private T? Deserialize<T>(RedisResult data)
        where T : class
    {
        var bytes = (byte[]?)data;
        return bytes is null || bytes.Length == 0 ? null : serializer.Deserialize<T>(new BinaryData(bytes));
    }
}
