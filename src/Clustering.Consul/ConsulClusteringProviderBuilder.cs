using Autopilot.Clustering.Consul;
using Autopilot.Consul.Client;
using Microsoft.Extensions.Configuration;
using Orleans.Providers;

[assembly: RegisterProvider("Consul", "Clustering", "Silo", typeof(ConsulClusteringProviderBuilder))]
[assembly: RegisterProvider("Consul", "Clustering", "Client", typeof(ConsulClusteringProviderBuilder))]

namespace Autopilot.Clustering.Consul;

/// <summary>
/// <c>Orleans:Clustering:ProviderType=Consul</c>, as for Orleans' own providers. The section's <c>Address</c>, <c>Token</c>,
/// <c>KvRootFolder</c> and <c>InitializeTimeout</c> apply; without an <c>Address</c> there, the stack's <c>Consul:Address</c>
/// (and <c>Consul:Token</c>) is used, so one Consul setting serves clustering and registration alike.
/// </summary>
internal sealed class ConsulClusteringProviderBuilder : IProviderBuilder<ISiloBuilder>, IProviderBuilder<IClientBuilder>
{
    public void Configure(ISiloBuilder builder, string? name, IConfigurationSection configurationSection) =>
        builder.UseConsulClustering(ClientSettings(builder.Configuration, configurationSection), configurationSection.Bind);

    public void Configure(IClientBuilder builder, string? name, IConfigurationSection configurationSection) =>
        builder.UseConsulClustering(ClientSettings(builder.Configuration, configurationSection), configurationSection.Bind);

    private static Action<ConsulClientOptions> ClientSettings(IConfiguration root, IConfigurationSection section)
    {
        var source = !string.IsNullOrWhiteSpace(section["Address"]) ? section : root.GetSection(ConsulClientOptions.Section);
        return !string.IsNullOrWhiteSpace(source["Address"])
            ? options => source.Bind(options)
            : throw new OrleansConfigurationException(
                $"{section.Path}:ProviderType is Consul, but neither {section.Path}:Address nor {ConsulClientOptions.AddressKey} says where Consul is.");
    }
}
