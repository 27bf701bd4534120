namespace Autopilot.Consul.Membership;

/// <summary>Where in Consul KV the membership table lives: <c>{KvRootFolder}/{ClusterId}/</c>.</summary>
public sealed class ConsulClusteringOptions
{
    public string KvRootFolder { get; set; } = "orleans";
}
