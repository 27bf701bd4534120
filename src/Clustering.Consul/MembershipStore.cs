using System.Globalization;
using System.Text;
using System.Text.Json;
using Autopilot.Consul.Client;
using Autopilot.Hosting;
using Microsoft.Extensions.Logging;

namespace Autopilot.Clustering.Consul;

/// <summary>
/// The membership table's keys under <c>{root}/{clusterId}/</c>: <c>version</c> (its ModifyIndex is the table's
/// ETag), one key per silo holding its JSON row (its ModifyIndex is the row's ETag), and <c>{silo}/iamalive</c>.
/// A key that holds no readable row is left out of every read, logged once and counted, so that one bad key cannot
/// stop the whole cluster from reading its table.
/// </summary>
internal sealed partial class MembershipStore(ConsulClient consul, string root, string clusterId, ILogger logger)
{
    private const string AliveSuffix = "/iamalive";

    private static readonly System.Diagnostics.Metrics.Counter<long> MalformedRows = AutopilotMetrics.Meter.CreateCounter<long>(
        "autopilot.membership.malformed_rows", "{row}", "Keys under the membership folder that hold no readable row, left out of reads");

    private readonly HashSet<(string Key, ulong Index)> reported = [];

    public string Folder { get; } = $"{root.Trim('/')}/{clusterId}/";

    public string VersionKey => Folder + "version";

    public string RowKey(SiloAddress silo) => Folder + silo.ToParsableString();

    public string AliveKey(SiloAddress silo) => RowKey(silo) + AliveSuffix;

    public static byte[] VersionValue(int version) => Encoding.UTF8.GetBytes(version.ToString(CultureInfo.InvariantCulture));

    public static byte[] RowValue(MembershipEntry entry) => JsonSerializer.SerializeToUtf8Bytes(MembershipRow.From(entry), MembershipJsonContext.Default.MembershipRow);

    public static byte[] AliveValue(DateTime time) => Encoding.UTF8.GetBytes(MembershipRow.FormatTime(time));

    /// <summary>One read of the whole table at one index, in Consul's consistent mode.</summary>
    public async Task<Snapshot> Read(CancellationToken cancellationToken = default)
    {
        var pairs = (await consul.KvList(Folder, consistent: true, cancellationToken: cancellationToken)).Value;
        KvPair? version = null;
        var rows = new List<KvPair>();
        var alive = new Dictionary<string, KvPair>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var name = pair.Key[Folder.Length..];
            if (pair.Key == VersionKey)
            {
                version = pair;
            }
            else if (name.EndsWith(AliveSuffix, StringComparison.Ordinal))
            {
                alive[pair.Key[..^AliveSuffix.Length]] = pair;
            }
            else if (!name.Contains('/'))
            {
                rows.Add(pair);
            }
        }

        var entries = new List<(KvPair Row, MembershipEntry Entry)>(rows.Count);
        foreach (var row in rows)
        {
            if (Parse(row, alive) is { } entry)
            {
                entries.Add((row, entry));
            }
        }

        return new Snapshot(version, entries, rows, alive);
    }

    private MembershipEntry? Parse(KvPair row, Dictionary<string, KvPair> alive)
    {
        try
        {
            var parsed = JsonSerializer.Deserialize(row.Value ?? [], MembershipJsonContext.Default.MembershipRow)
                ?? throw new JsonException("the value is JSON null");
            return parsed.ToEntry(alive.TryGetValue(row.Key, out var time) ? MembershipRow.ParseTime(time.Value) : null);
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException or OverflowException)
        {
            MalformedRows.Add(1);
            lock (reported)
            {
                if (reported.Add((row.Key, row.ModifyIndex)))
                {
                    LogMalformed(logger, row.Key, e.Message);
                }
            }

            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Consul key {Key} holds no readable membership row ({Reason}); it is left out of the table")]
    private static partial void LogMalformed(ILogger logger, string key, string reason);

    /// <summary>A read of the table: its version, the rows that parsed (with their keys), and every row and IAmAlive key as stored.</summary>
    internal sealed record Snapshot(
        KvPair? Version,
        IReadOnlyList<(KvPair Row, MembershipEntry Entry)> Entries,
        IReadOnlyList<KvPair> Rows,
        IReadOnlyDictionary<string, KvPair> Alive)
    {
        /// <summary>The table version; absent (never initialised) reads as version 0 with ETag 0, which a CAS treats as "create".</summary>
        public TableVersion TableVersion => Version is null
            ? new TableVersion(0, "0")
            : new TableVersion(
                int.Parse(Encoding.UTF8.GetString(Version.Value ?? []), CultureInfo.InvariantCulture),
                Version.ModifyIndex.ToString(CultureInfo.InvariantCulture));

        public MembershipTableData ToTableData(Func<MembershipEntry, bool>? filter = null) => new(
            Entries.Where(e => filter?.Invoke(e.Entry) ?? true)
                .Select(e => Tuple.Create(e.Entry, e.Row.ModifyIndex.ToString(CultureInfo.InvariantCulture)))
                .ToList(),
            TableVersion);
    }
}
