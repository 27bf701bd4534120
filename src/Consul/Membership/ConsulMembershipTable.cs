using System.Globalization;
using Autopilot.Consul.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Autopilot.Consul.Membership;

/// <summary>
/// Orleans' membership table in Consul KV, with the extended membership protocol: every row change and the
/// table-version bump are one <c>/v1/txn</c> with CAS on both, so no update is lost and no two silos win the
/// same version. Hand-written because <c>Microsoft.Orleans.Clustering.Consul</c> is not on this package source.
/// </summary>
public sealed partial class ConsulMembershipTable(
    ConsulClient consul,
    IOptions<ConsulClusteringOptions> options,
    IOptions<ClusterOptions> cluster,
    ILogger<ConsulMembershipTable> logger) : IMembershipTable
{
    /// <summary>Consul refuses transactions of more than 64 operations.</summary>
    private const int MaxTxnOperations = 64;

    private readonly MembershipStore store = new(consul, options.Value.KvRootFolder, cluster.Value.ClusterId);

    public async Task InitializeMembershipTable(bool tryInitTableVersion)
    {
        if (tryInitTableVersion && await consul.KvPut(store.VersionKey, MembershipStore.VersionValue(0), cas: 0))
        {
            LogInitialized(logger, store.Folder);
        }
    }

    public Task DeleteMembershipTableEntries(string clusterId) =>
        consul.KvDelete($"{options.Value.KvRootFolder.Trim('/')}/{clusterId}/", recurse: true);

    public async Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate)
    {
        var snapshot = await store.Read();
        var operations = new List<TxnOp>();
        foreach (var (row, entry) in snapshot.Entries)
        {
            if (entry.Status == SiloStatus.Dead && LastSeen(entry) < beforeDate)
            {
                operations.Add(TxnOp.DeleteCas(row.Key, row.ModifyIndex));
                operations.Add(TxnOp.Delete(store.AliveKey(entry.SiloAddress)));
            }
        }

        // IAmAlive keys whose row is gone: written by a silo after its row was cleaned up.
        var rowKeys = snapshot.Rows.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        operations.AddRange(snapshot.Alive.Where(a => !rowKeys.Contains(a.Key)).Select(a => TxnOp.Delete(a.Value.Key)));

        foreach (var chunk in operations.Chunk(MaxTxnOperations))
        {
            var response = await consul.Txn(chunk);
            if (!response.Committed)
            {
                // A row changed since it was read (a late update of a dead silo): the next cleanup takes it.
                LogCleanupSkipped(logger, string.Join("; ", response.Errors!.Select(e => e.What)));
            }
        }

        if (operations.Count > 0)
        {
            LogCleanedUp(logger, operations.Count, store.Folder, beforeDate);
        }
    }

    public async Task<MembershipTableData> ReadRow(SiloAddress key) =>
        (await store.Read()).ToTableData(entry => entry.SiloAddress.Equals(key));

    public async Task<MembershipTableData> ReadAll() => (await store.Read()).ToTableData();

    public async Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) =>
        await Commit("insert", entry, tableVersion, rowIndex: 0);

    public async Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) =>
        await Commit("update", entry, tableVersion, ParseIndex(etag, "row ETag"));

    public async Task UpdateIAmAlive(MembershipEntry entry) =>
        await consul.KvPut(store.AliveKey(entry.SiloAddress), MembershipStore.AliveValue(entry.IAmAliveTime));

    private async Task<bool> Commit(string what, MembershipEntry entry, TableVersion tableVersion, ulong rowIndex)
    {
        var response = await consul.Txn(
        [
            TxnOp.Cas(store.VersionKey, MembershipStore.VersionValue(tableVersion.Version), ParseIndex(tableVersion.VersionEtag, "table version ETag")),
            TxnOp.Cas(store.RowKey(entry.SiloAddress), MembershipStore.RowValue(entry), rowIndex),
        ]);
        if (!response.Committed)
        {
            LogConflict(logger, what, entry.SiloAddress.ToString(), tableVersion.Version, string.Join("; ", response.Errors!.Select(e => e.What)));
        }

        return response.Committed;
    }

    /// <summary>As Orleans judges a defunct row: the latest of its start, its last IAmAlive and any suspicion vote.</summary>
    private static DateTimeOffset LastSeen(MembershipEntry entry) =>
        new[] { entry.StartTime, entry.IAmAliveTime }
            .Concat(entry.SuspectTimes?.Select(s => s.Item2) ?? [])
            .Select(t => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)))
            .Max();

    private static ulong ParseIndex(string etag, string what) =>
        ulong.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : throw new ArgumentException($"The {what} '{etag}' is not a Consul ModifyIndex.", nameof(etag));

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the membership table version in Consul at {Folder}")]
    private static partial void LogInitialized(ILogger logger, string folder);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Membership {What} of {Silo} at version {Version} lost its CAS: {Reasons}")]
    private static partial void LogConflict(ILogger logger, string what, string silo, int version, string reasons);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} defunct membership keys under {Folder} (dead before {Before})")]
    private static partial void LogCleanedUp(ILogger logger, int count, string folder, DateTimeOffset before);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Defunct-row cleanup left some rows for next time: {Reasons}")]
    private static partial void LogCleanupSkipped(ILogger logger, string reasons);
}
