using System.Runtime.CompilerServices;
using System.Text.Json;
using Autopilot.Grains;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;
using StackExchange.Redis;

namespace Autopilot.Silo;

/// <summary>
/// Records read straight from the hashes Orleans' Redis grain storage writes (<c>etag</c> and <c>data</c>, at
/// <see cref="RedisStoredVersions.Key"/>): a page of a table is one script that reads the index's names
/// (<see cref="RedisRecordIndex"/>), each name's record and the record its link names, at one instant, and answers only
/// the fields the page asked for. The script reads them out of the JSON the storage's serializer writes (Redis' own
/// <c>cjson</c>), so no record is deserialized on the silo: each was 11 µs of a page's CPU (Newtonsoft, with the type
/// name bound through Orleans' type parser). The JSON names of those fields are found once per state type by serializing
/// a probe with that serializer; a serializer that writes no JSON, or names no field, reads no table here
/// (<see cref="Reads"/>), and pages then ask each row's grain. A hash with empty <c>data</c>, or none, holds no record, as
/// the storage's own read says. Hand-written: Orleans' Redis grain storage reads one grain's record at a time, and offers
/// no read of many records or of their fields.
/// </summary>
public sealed class RedisStoredRecords(RedisConnection connection, IOptions<ClusterOptions> cluster, IGrainStorageSerializer serializer) : IStoredRecords
{
    // KEYS[1]: the index. ARGV[1]: the lowest name ('-' or '(' and the name after which to start); ARGV[2]: how many;
    // ARGV[3] and ARGV[4]: what comes before and after a name in its record's key; ARGV[5] and ARGV[6]: the same for the
    // records the links name; ARGV[7]: where the link is among a row's fields; ARGV[8]: how many fields a row has; then the
    // JSON names of the row's fields, then the linked record's. Answers, for each name: the name, 1 or 0 (whether it has a
    // record), its fields, 1 or 0 (whether the record its link names exists), that record's fields; a missing field is nil.
    private const string PageScript = """
        local names = redis.call('ZRANGEBYLEX', KEYS[1], ARGV[1], '+', 'LIMIT', 0, tonumber(ARGV[2]))
        local link, width = tonumber(ARGV[7]), tonumber(ARGV[8])
        local linkedWidth = #ARGV - 8 - width
        local rows = {}
        local function put(value) rows[#rows + 1] = value end
        local function read(key, first, count)
          local data = redis.call('HGET', key, 'data')
          local record = data and data ~= '' and cjson.decode(data) or nil
          put(record and 1 or 0)
          local fields = {}
          for i = 1, count do
            local value = record and record[ARGV[first + i - 1]]
            if value == nil or value == cjson.null then value = false elseif type(value) ~= 'string' then value = tostring(value) end
            fields[i] = value
            put(value)
          end
          return fields
        end
        for _, name in ipairs(names) do
          put(name)
          local target = read(ARGV[3] .. name .. ARGV[4], 9, width)[link]
          if target then
            read(ARGV[5] .. target .. ARGV[6], 9 + width, linkedWidth)
          else
            put(0)
            for i = 1, linkedWidth do put(false) end
          end
        end
        return rows
        """;

    private readonly RedisKey prefix = RedisStoredVersions.Prefix(cluster.Value.ServiceId);

    // For each table (by reference: a caller keeps its tables), the index's key and the script's arguments after the first
    // two; none when the serializer writes no JSON the script can read.
    private readonly ConditionalWeakTable<StoredTable, ScriptArguments> arguments = [];

    public bool Reads(StoredTable table) => Arguments(table).Values is not null;

    public async Task<IReadOnlyList<StoredRow>> Page(StoredTable table, string? after, int count, CancellationToken cancellationToken = default)
    {
        var known = Arguments(table);
        var fixedArguments = known.Values
            ?? throw new NotSupportedException($"The grain storage's serializer ({serializer.GetType().Name}) writes no JSON field of {table.Rows.State.Name} or {table.Linked.State.Name} that a script can read: a page asks each row's grain.");
        var redis = await connection.GetAsync();
        var result = await redis.GetDatabase().ScriptEvaluateAsync(
            PageScript,
            [known.Index],
            [after is null ? "-" : "(" + after, count, .. fixedArguments])
            .WaitAsync(cancellationToken);
        var values = (RedisResult[])result!;
        var (width, linkedWidth) = (table.Rows.Properties.Count, table.Linked.Properties.Count);
        var rowWidth = 3 + width + linkedWidth;
        var rows = new List<StoredRow>(values.Length / rowWidth);
        for (var at = 0; at + rowWidth <= values.Length; at += rowWidth)
        {
            rows.Add(new StoredRow(
                (string)values[at]!,
                (int)values[at + 1] == 1 ? Fields(values, at + 2, width) : null,
                (int)values[at + 2 + width] == 1 ? Fields(values, at + 3 + width, linkedWidth) : null));
        }

        return rows;
    }

    private static string?[] Fields(RedisResult[] values, int first, int count)
    {
        var fields = new string?[count];
        for (var i = 0; i < count; i++)
        {
            fields[i] = values[first + i].IsNull ? null : (string?)values[first + i];
        }

        return fields;
    }

    private ScriptArguments Arguments(StoredTable table) => arguments.GetValue(table, t => new ScriptArguments(
        RedisRecordIndex.Key(cluster.Value.ServiceId, t.Kind),
        JsonNames(t.Rows) is { } rowNames && JsonNames(t.Linked) is { } linkedNames
            ? [
                KeyPart(prefix, t.Rows.Type), "/" + t.Rows.StateName,
                KeyPart(prefix, t.Linked.Type), "/" + t.Linked.StateName,
                t.LinkAt + 1, rowNames.Length, .. rowNames.Select(name => (RedisValue)name), .. linkedNames.Select(name => (RedisValue)name),
            ]
            : null));

    // What comes before a name in the key of a record of grain type `type` (RedisStoredVersions.Key's layout).
    private static RedisValue KeyPart(RedisKey prefix, GrainType type) => (byte[])prefix.Append(type.AsSpan().ToArray()).Append("/")!;

    // The JSON names the serializer writes the record's properties under: a probe whose properties hold values found
    // nowhere else is serialized, and each value is looked for among the top-level fields (null: not all are found).
    private string[]? JsonNames(StoredFields fields)
    {
        var probe = Activator.CreateInstance(fields.State)
            ?? throw new ArgumentException($"{fields.State.Name} has no public constructor without parameters.", nameof(fields));
        var markers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (property, i) in fields.Properties.Select((property, i) => (property, i)))
        {
            var info = fields.State.GetProperty(property);
            if (info is null || info.PropertyType != typeof(string) || !info.CanWrite)
            {
                throw new ArgumentException($"{fields.State.Name}.{property} is not a string property that can be set.", nameof(fields));
            }

            var marker = $"probe {i} {Guid.NewGuid():N}";
            info.SetValue(probe, marker);
            markers[marker] = i;
        }

        try
        {
            using var json = JsonDocument.Parse(serializer.Serialize(probe).ToMemory());
            var names = new string?[fields.Properties.Count];
            foreach (var field in json.RootElement.EnumerateObject())
            {
                if (field.Value.ValueKind == JsonValueKind.String && markers.TryGetValue(field.Value.GetString()!, out var i))
                {
                    names[i] = field.Name;
                }
            }

            return Array.TrueForAll(names, name => name is not null) ? Array.ConvertAll(names, name => name!) : null;
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // Not JSON, or not an object at the top.
            return null;
        }
    }

    private sealed record ScriptArguments(RedisKey Index, RedisValue[]? Values);
}
