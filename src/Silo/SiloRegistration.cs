using System.Globalization;
using Autopilot.Consul.Client;
using Autopilot.Consul.Registration;
using Autopilot.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Autopilot.Silo;

/// <summary>The silo's entry in Consul's catalog (service <c>silo</c>), when Consul is configured: what Prometheus and operators find.</summary>
internal static class SiloRegistration
{
    public static IServiceCollection AddSiloRegistration(this IServiceCollection services, IConfiguration configuration)
    {
        if (!ConsulClientOptions.Configured(configuration))
        {
            return services;
        }

        return services.AddConsulRegistration(provider =>
        {
            var endpoints = provider.GetRequiredService<IOptions<EndpointOptions>>().Value;
            var health = ReachableUrl.Of(provider, endpoints.AdvertisedIPAddress);
            return new ServiceRegistrationOptions
            {
                Name = HostRole.Silo.Name,
                Id = InstanceName.For(HostRole.Silo.Name, endpoints.SiloPort),
                Address = endpoints.AdvertisedIPAddress.ToString(),
                Port = endpoints.SiloPort,
                CheckUrl = new Uri(health, "health/ready").ToString(),
                Meta =
                {
                    ["silo_name"] = provider.GetRequiredService<ILocalSiloDetails>().Name,
                    ["cluster_id"] = provider.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId,
                    ["gateway_port"] = endpoints.GatewayPort.ToString(CultureInfo.InvariantCulture),
                    ["health"] = health.ToString(),
                    ["metrics"] = new Uri(health, "metrics").ToString(),
                },
            };
        });
    }
}
