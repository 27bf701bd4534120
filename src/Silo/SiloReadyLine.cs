using Autopilot.Clustering.Consul;
using Autopilot.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Autopilot.Silo;

/// <summary>The silo's ready line: its name, cluster, Orleans endpoints, clustering and storage.</summary>
public sealed class SiloReadyLine(ILocalSiloDetails silo, IOptions<ClusterOptions> cluster, ClusteringChoice clustering, StorageChoice storage) : IReadyLine
{
    public string Name => silo.Name;

    public string Details =>
        $"cluster {cluster.Value.ClusterId}, silo {silo.SiloAddress.Endpoint}, gateway {silo.GatewayAddress?.Endpoint}, clustering {clustering.Description}, storage {storage.Description}";

    public string Stopping => "leaving the cluster and handing its grains over";
}
