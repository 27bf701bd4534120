namespace Autopilot.Consul.Client;

/// <summary>One instance of <c>/v1/health/service/:name</c>: the node, the service and its checks.</summary>
public sealed class ServiceEntry
{
    public CatalogNode Node { get; set; } = new();

    public AgentService Service { get; set; } = new();

    public List<AgentCheck> Checks { get; set; } = [];

    /// <summary>
    /// The HTTP base URL each instance registered in its metadata (<see cref="Hosting.HostRole.HealthMeta"/>), by its
    /// endpoint (<c>address:port</c>, as registered); instances without one, or with one that is not an absolute URL, are left out.
    /// </summary>
    public static Dictionary<string, Uri> HealthUrls(IEnumerable<ServiceEntry> instances)
    {
        var urls = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var instance in instances)
        {
            if (instance.Service.Meta?.GetValueOrDefault(Hosting.HostRole.HealthMeta) is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                urls[instance.Service.Endpoint()] = uri;
            }
        }

        return urls;
    }
}
