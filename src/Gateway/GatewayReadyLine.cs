using Autopilot.Clustering.Consul;
using Autopilot.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Autopilot.Gateway;

/// <summary>The gateway's ready line: its name, cluster and how it finds the cluster.</summary>
public sealed class GatewayReadyLine(GatewayIdentity gateway, IOptions<ClusterOptions> cluster, ClusteringChoice clustering, ClusterConnection connection) : IReadyLine
{
    public string Name => gateway.Name;

    public string Details => $"cluster {cluster.Value.ClusterId}, clustering {clustering.Description}, connected to {connection.ConnectedGateways} silo gateway(s)";

    public string Stopping => "deregistering, then draining requests";
}
