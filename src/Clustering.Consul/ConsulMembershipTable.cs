using System.Globalization;
using Autopilot.Consul.Client;
using Autopilot.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Autopilot.Clustering.Consul;

/// <summary>
/// Orleans' membership table in Consul KV, with the extended membership protocol: every row change and the
/// table-version bump are one <c>/v1/txn</c> with CAS on both, so no update is lost and no two silos win the
/// same version. Hand-written because <c>Microsoft.Orleans.Clustering.Consul</c> is not on this package source.
/// While Consul does not answer, reads return the last table read (a stale view is safe: every write is a CAS, which
/// fails on it) and a heartbeat (IAmAlive) is skipped, so that Orleans does not back off from the table for minutes and
/// sees silos that joined meanwhile within one refresh once Consul is back.
/// </summary>
public sealed partial class ConsulMembershipTable(
    ConsulClient consul,
    IOptions<ConsulClusteringOptions> options,
    IOptions<ClusterOptions> cluster,
    ILogger<ConsulMembershipTable> logger) : IMembershipTable
{
    /// <summary>Consul refuses transactions of more than 64 operations.</summary>
    private const int MaxTxnOperations = 64;

    private readonly MembershipStore store = new(consul, options.Value.KvRootFolder, cluster.Value.ClusterId, logger);
    private MembershipStore.Snapshot? lastGood;
    private int unreachable;

    /// <summary>Whether Consul answered this table's latest call (Orleans reads the table and writes IAmAlive every few seconds).</summary>
    public bool ConsulAnswers => Volatile.Read(ref unreachable) == 0;

    public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion, CancellationToken.None);

    public Task DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);

    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate, CancellationToken.None);

    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key, CancellationToken.None);

    public Task<MembershipTableData> ReadAll() => ReadAllAsync(CancellationToken.None);

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion, CancellationToken.None);

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => UpdateRowAsync(entry, etag, tableVersion, CancellationToken.None);

    public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry, CancellationToken.None);

    /// <summary>
    /// Creates the table version if it is missing. A silo may start before Consul answers (containers start together):
    /// unreachable Consul is retried with back-off, each attempt logged, for <see cref="ConsulClusteringOptions.InitializeTimeout"/>.
    /// </summary>
    public async Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken)
    {
        await StartupRetry.RunAsync(
            $"Consul at {consul.Address} (the membership table)",
            async token =>
            {
                if (tryInitTableVersion && await consul.KvPut(store.VersionKey, MembershipStore.VersionValue(0), cas: 0, token))
                {
                    LogInitialized(logger, store.Folder);
                }
                else
                {
                    // Joining an existing table: reading it proves Consul answers.
                    await consul.KvGet(store.VersionKey, token);
                }

                return true;
            },
            e => e is HttpRequestException or TimeoutException or ConsulException { Outage: true },
            options.Value.InitializeTimeout,
            logger,
            cancellationToken);
    }

    public Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken) =>
        consul.KvDelete($"{options.Value.KvRootFolder.Trim('/')}/{clusterId}/", recurse: true, cancellationToken: cancellationToken);

    /// <summary>Removes the rows of silos that are not Active and whose last IAmAlive is older than <paramref name="beforeDate"/>, as Orleans' own tables do.</summary>
    public async Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken)
    {
        var snapshot = await store.Read(cancellationToken);
        var operations = new List<TxnOp>();
        foreach (var (row, entry) in snapshot.Entries)
        {
            if (entry.Status != SiloStatus.Active && new DateTimeOffset(DateTime.SpecifyKind(entry.IAmAliveTime, DateTimeKind.Utc)) < beforeDate)
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
            var response = await consul.Txn(chunk, cancellationToken);
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

    public async Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken) =>
        (await ReadOrLastGood(cancellationToken)).ToTableData(entry => entry.SiloAddress.Equals(key));

    public async Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken) => (await ReadOrLastGood(cancellationToken)).ToTableData();

    public Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken) =>
        Commit("insert", entry, tableVersion, rowIndex: 0, cancellationToken);

    public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken) =>
        Commit("update", entry, tableVersion, ParseIndex(etag, "row ETag"), cancellationToken);

    public async Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            await consul.KvPut(store.AliveKey(entry.SiloAddress), MembershipStore.AliveValue(entry.IAmAliveTime), cancellationToken: cancellationToken);
            Recovered();
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            // A heartbeat only: the next one, seconds later, carries the news once Consul answers.
            Unreachable(e, "skipping this IAmAlive");
        }
    }

    private async Task<MembershipStore.Snapshot> ReadOrLastGood(CancellationToken cancellationToken)
    {
        try
        {
            var snapshot = await store.Read(cancellationToken);
            lastGood = snapshot;
            Recovered();
            return snapshot;
        }
        catch (Exception e) when (IsUnreachable(e) && lastGood is { } last)
        {
            Unreachable(e, $"serving the last table read (version {last.TableVersion.Version})");
            return last;
        }
    }

    private static bool IsUnreachable(Exception e) => e is HttpRequestException or TimeoutException or ConsulException { Outage: true };

    private void Unreachable(Exception e, string what)
    {
        if (Interlocked.Exchange(ref unreachable, 1) == 0)
        {
            LogUnreachable(logger, consul.Address.ToString(), what, e.Message);
        }
    }

    private void Recovered()
    {
        if (Interlocked.Exchange(ref unreachable, 0) == 1)
        {
            LogReachable(logger, consul.Address.ToString());
        }
    }

    private async Task<bool> Commit(string what, MembershipEntry entry, TableVersion tableVersion, ulong rowIndex, CancellationToken cancellationToken)
    {
        var response = await consul.Txn(
        [
            TxnOp.Cas(store.VersionKey, MembershipStore.VersionValue(tableVersion.Version), ParseIndex(tableVersion.VersionEtag, "table version ETag")),
            TxnOp.Cas(store.RowKey(entry.SiloAddress), MembershipStore.RowValue(entry), rowIndex),
        ], cancellationToken);
        if (!response.Committed)
        {
            LogConflict(logger, what, entry.SiloAddress.ToString(), tableVersion.Version, string.Join("; ", response.Errors!.Select(e => e.What)));
        }

        return response.Committed;
    }

    private static ulong ParseIndex(string etag, string what) =>
        ulong.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : throw new ArgumentException($"The {what} '{etag}' is not a Consul ModifyIndex.", nameof(etag));

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the membership table version in Consul at {Folder}")]
    private static partial void LogInitialized(ILogger logger, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consul at {Consul} does not answer; {What} until it does ({Reason})")]
    private static partial void LogUnreachable(ILogger logger, string consul, string what, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consul at {Consul} answers again; the membership table is read afresh")]
    private static partial void LogReachable(ILogger logger, string consul);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Membership {What} of {Silo} at version {Version} lost its CAS: {Reasons}")]
    private static partial void LogConflict(ILogger logger, string what, string silo, int version, string reasons);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} defunct membership keys under {Folder} (not active, no IAmAlive since {Before})")]
    private static partial void LogCleanedUp(ILogger logger, int count, string folder, DateTimeOffset before);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Defunct-row cleanup left some rows for next time: {Reasons}")]
    private static partial void LogCleanupSkipped(ILogger logger, string reasons);
}
