namespace Autopilot.Consul.Client;

/// <summary>One instance of <c>/v1/health/service/:name</c>: the node, the service and its checks.</summary>
public sealed class ServiceEntry
{
    public CatalogNode Node { get; set; } = new();

    public AgentService Service { get; set; } = new();

    public List<AgentCheck> Checks { get; set; } = [];
}
