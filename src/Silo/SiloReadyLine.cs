using Autopilot.Hosting;

namespace Autopilot.Silo;

/// <summary>The silo's ready line: its name, cluster, Orleans endpoints, clustering and storage.</summary>
public sealed class SiloReadyLine(ILocalSiloDetails silo, SiloSettings settings, SiloModes modes) : IReadyLine
{
    public string Name => silo.Name;

    public string Details =>
        $"cluster {settings.ClusterId}, silo {silo.SiloAddress.Endpoint}, gateway {silo.GatewayAddress?.Endpoint}, clustering {modes.Clustering}, storage {modes.Storage}";

    public string Stopping => "leaving the cluster and handing its grains over";
}
