namespace Autopilot.Clustering.Consul;

public enum ClusteringKind
{
    /// <summary>A provider Orleans configures from <c>Orleans:Clustering:ProviderType</c>.</summary>
    Orleans,

    /// <summary>Consul KV, from <c>Consul:Address</c>.</summary>
    Consul,

    /// <summary>One machine, no Consul: the embedded mode.</summary>
    Localhost,
}
