using Autopilot.Consul.Client;
using Microsoft.Extensions.Configuration;

namespace Autopilot.Clustering.Consul;

/// <summary>How this host finds the cluster, as chosen from configuration and as its ready line says it.</summary>
public sealed record ClusteringChoice(ClusteringKind Kind, string Description)
{
    public const string ProviderTypeKey = "Orleans:Clustering:ProviderType";

    public static ClusteringChoice Of(IConfiguration configuration) => configuration[ProviderTypeKey] is { Length: > 0 } provider
        ? new(ClusteringKind.Orleans, $"{provider} (Orleans:Clustering)")
        : ConsulClientOptions.Configured(configuration)
            ? new(ClusteringKind.Consul, $"consul {configuration[ConsulClientOptions.AddressKey]}")
            : new(ClusteringKind.Localhost, "localhost (embedded)");
}
