using Autopilot.Consul.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;

namespace Autopilot.Clustering.Consul;

/// <summary>
/// The gateways of the active silos in the Consul membership table, re-read every
/// <see cref="GatewayOptions.GatewayListRefreshPeriod"/>. While Consul cannot be read, the last list read is
/// served: the silos behind it are still there, and a client must not lose the cluster because Consul restarts.
/// The same holds when the table itself is gone after a list was read (no version key: a Consul that lost or has not
/// yet rebuilt its data): Orleans closes the connection to every gateway missing from the list, so believing that
/// empty answer would cut a connected client off a cluster that is still there.
/// </summary>
public sealed partial class ConsulGatewayListProvider(
    ConsulClient consul,
    IOptions<ConsulClusteringOptions> options,
    IOptions<ClusterOptions> cluster,
    ILogger<ConsulGatewayListProvider> logger) : IGatewayListProvider
{
    private readonly MembershipStore store = new(consul, options.Value.KvRootFolder, cluster.Value.ClusterId, logger);
    private IList<Uri>? lastGood;

    /// <summary>
    /// How long Orleans' client keeps away from a gateway it failed to connect to, though this list still names it
    /// (Orleans reads it as this list's <see cref="MaxStaleness"/>). The list is fresh within a refresh period, but it
    /// follows the membership, and the membership says nothing of the network between this client and one silo: a gateway
    /// cut from one silo that is alive for everyone else. Kept away only a refresh period (1 s), the client connected to
    /// that silo again every second, and each attempt held the grain calls waiting on it for Orleans' connect timeout, for
    /// the whole of the cut. A silo that is really gone leaves the list anyway, and when every gateway is kept away Orleans
    /// tries them all again.
    /// </summary>
    public static readonly TimeSpan UnreachableGatewayAvoidedFor = TimeSpan.FromSeconds(30);

    public TimeSpan MaxStaleness => UnreachableGatewayAvoidedFor;

    public bool IsUpdatable => true;

    public Task InitializeGatewayListProvider() => Task.CompletedTask;

    public Task InitializeGatewayListProviderAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IList<Uri>> GetGateways() => GetGatewaysAsync(CancellationToken.None);

    public async Task<IList<Uri>> GetGatewaysAsync(CancellationToken cancellationToken)
    {
        try
        {
            var table = await store.Read(cancellationToken);
            if (table.Version is null && lastGood is not null)
            {
                LogTableMissing(logger, lastGood.Count);
                return lastGood;
            }

            lastGood = table.Entries
                .Where(e => e.Entry.Status == SiloStatus.Active && e.Entry.ProxyPort > 0)
                .Select(e => SiloAddress.New(e.Entry.SiloAddress.Endpoint.Address, e.Entry.ProxyPort, e.Entry.SiloAddress.Generation).ToGatewayUri())
                .ToList();
            return lastGood;
        }
        catch (Exception e) when (lastGood is not null && e is HttpRequestException or TimeoutException or ConsulException)
        {
            LogServingLastGood(logger, lastGood.Count, e.Message);
            return lastGood;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consul holds no membership table for this cluster any more; keeping the last {Count} gateway(s)")]
    private static partial void LogTableMissing(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot read the gateway list from Consul ({Reason}); keeping the last {Count} gateway(s)")]
    private static partial void LogServingLastGood(ILogger logger, int count, string reason);
}
