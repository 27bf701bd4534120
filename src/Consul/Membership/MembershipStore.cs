using System.Globalization;
using System.Text;
using System.Text.Json;
using Autopilot.Consul.Client;

namespace Autopilot.Consul.Membership;

/// <summary>
/// The membership table's keys under <c>{root}/{clusterId}/</c>: <c>version</c> (its ModifyIndex is the table's
/// ETag), one key per silo holding its JSON row (its ModifyIndex is the row's ETag), and <c>{silo}/iamalive</c>.
/// </summary>
internal sealed class MembershipStore(ConsulClient consul, string root, string clusterId)
{
    private const string AliveSuffix = "/iamalive";

    public string Folder { get; } = $"{root.Trim('/')}/{clusterId}/";

    public string VersionKey => Folder + "version";

    public string RowKey(SiloAddress silo) => Folder + silo.ToParsableString();

    public string AliveKey(SiloAddress silo) => RowKey(silo) + AliveSuffix;

    public static byte[] VersionValue(int version) => Encoding.UTF8.GetBytes(version.ToString(CultureInfo.InvariantCulture));

    public static byte[] RowValue(MembershipEntry entry) => JsonSerializer.SerializeToUtf8Bytes(MembershipRow.From(entry), MembershipJsonContext.Default.MembershipRow);

    public static byte[] AliveValue(DateTime time) => Encoding.UTF8.GetBytes(MembershipRow.FormatTime(time));

    /// <summary>One consistent read of the whole table.</summary>
    public async Task<Snapshot> Read(CancellationToken cancellationToken = default)
    {
        var pairs = (await consul.KvList(Folder, cancellationToken: cancellationToken)).Value;
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

        return new Snapshot(version, rows, alive);
    }

    internal sealed record Snapshot(KvPair? Version, IReadOnlyList<KvPair> Rows, IReadOnlyDictionary<string, KvPair> Alive)
    {
        /// <summary>The table version; absent (never initialised) reads as version 0 with ETag 0, which a CAS treats as "create".</summary>
        public TableVersion TableVersion => Version is null
            ? new TableVersion(0, "0")
            : new TableVersion(
                int.Parse(Encoding.UTF8.GetString(Version.Value ?? []), CultureInfo.InvariantCulture),
                Version.ModifyIndex.ToString(CultureInfo.InvariantCulture));

        public IEnumerable<(KvPair Row, MembershipEntry Entry)> Entries => Rows.Select(row =>
        {
            var parsed = JsonSerializer.Deserialize(row.Value ?? [], MembershipJsonContext.Default.MembershipRow)
                ?? throw new InvalidDataException($"Consul key {row.Key} holds no membership row.");
            return (row, parsed.ToEntry(Alive.TryGetValue(row.Key, out var alive) ? MembershipRow.ParseTime(alive.Value) : null));
        });

        public MembershipTableData ToTableData(Func<MembershipEntry, bool>? filter = null) => new(
            Entries.Where(e => filter?.Invoke(e.Entry) ?? true)
                .Select(e => Tuple.Create(e.Entry, e.Row.ModifyIndex.ToString(CultureInfo.InvariantCulture)))
                .ToList(),
            TableVersion);
    }
}
