using Autopilot.Consul.Client;
using Autopilot.Consul.Registration;
using Autopilot.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Autopilot.Gateway;

/// <summary>The gateway's entry in Consul's catalog (service <c>gateway</c>), when Consul is configured: what the edge follows.</summary>
internal static class GatewayRegistration
{
    public static IServiceCollection AddGatewayRegistration(this IServiceCollection services, IConfiguration configuration)
    {
        if (!ConsulClientOptions.Configured(configuration))
        {
            return services;
        }

        return services.AddConsulRegistration(provider =>
        {
            var url = ReachableUrl.Of(provider);
            return new ServiceRegistrationOptions
            {
                Name = HostRole.Gateway.Name,
                Address = url.Host,
                Port = url.Port,
                CheckUrl = new Uri(url, "health/ready").ToString(),
                // Deregistered first; keep answering while the edge drops this gateway from its upstream.
                DrainDelay = TimeSpan.FromSeconds(1),
                Meta =
                {
                    ["gateway_name"] = provider.GetRequiredService<GatewayIdentity>().Name,
                    ["cluster_id"] = provider.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId,
                    ["metrics"] = new Uri(url, "metrics").ToString(),
                },
            };
        });
    }
}
