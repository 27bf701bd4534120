namespace Autopilot.Clustering.Consul;

/// <summary>
/// Where in Consul KV the membership table lives (<c>{KvRootFolder}/{ClusterId}/</c>, as in Orleans' own Consul provider),
/// and how long a silo waits at start for Consul to answer. Bound from <c>Orleans:Clustering</c> when
/// <c>Orleans:Clustering:ProviderType</c> is <c>Consul</c>.
/// </summary>
public sealed class ConsulClusteringOptions
{
    public string KvRootFolder { get; set; } = "orleans";

    /// <summary>
    /// A silo started while Consul does not answer retries creating the table (logging each attempt) for this long,
    /// then fails; under a container engine the restart policy starts it again.
    /// </summary>
    public TimeSpan InitializeTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The Consul service the silos register as, with their ready check; null (Orleans' own shape) leaves the gateway list
    /// to the membership alone. When set, a client leaves out of its gateways an active silo whose check there fails because
    /// the silo is cut off from its peers: it stops receiving client calls a few seconds before the membership declares it
    /// dead (<see cref="ConsulGatewayListProvider"/>).
    /// </summary>
    public string? SiloService { get; set; }
}
