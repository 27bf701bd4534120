using Autopilot.Consul.Registration;
using Autopilot.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Autopilot.Gateway;

/// <summary>The gateway's entry in Consul's catalog (service <c>gateway</c>), when Consul is configured: what the edge follows.</summary>
internal static class GatewayRegistration
{
    public static IServiceCollection AddGatewayRegistration(this IServiceCollection services, IConfiguration configuration) =>
        services.AddConsulRegistration(configuration, provider =>
        {
            var registration = ServiceRegistrationOptions.ForHost(HostRole.Gateway.Name, ReachableUrl.Of(provider),
                ("gateway_name", provider.GetRequiredService<GatewayIdentity>().Name),
                ("cluster_id", provider.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId));
            // Deregistered first; keep answering while the edge drops this gateway from its upstream.
            registration.DrainDelay = Deadlines.GatewayDrain;
            return registration;
        });
}
