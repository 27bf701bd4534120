using Autopilot.Consul.Client;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;

namespace Autopilot.Consul.Membership;

/// <summary>The gateways of the active silos in the Consul membership table, re-read every <see cref="GatewayOptions.GatewayListRefreshPeriod"/>.</summary>
public sealed class ConsulGatewayListProvider(
    ConsulClient consul,
    IOptions<ConsulClusteringOptions> options,
    IOptions<ClusterOptions> cluster,
    IOptions<GatewayOptions> gateway) : IGatewayListProvider
{
    private readonly MembershipStore store = new(consul, options.Value.KvRootFolder, cluster.Value.ClusterId);

    public TimeSpan MaxStaleness => gateway.Value.GatewayListRefreshPeriod;

    public bool IsUpdatable => true;

    public Task InitializeGatewayListProvider() => Task.CompletedTask;

    public async Task<IList<Uri>> GetGateways() =>
        (await store.Read()).Entries
            .Where(e => e.Entry.Status == SiloStatus.Active && e.Entry.ProxyPort > 0)
            .Select(e => SiloAddress.New(e.Entry.SiloAddress.Endpoint.Address, e.Entry.ProxyPort, e.Entry.SiloAddress.Generation).ToGatewayUri())
            .ToList();
}
