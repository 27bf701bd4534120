using System.Globalization;
using Autopilot.Consul.Registration;
using Autopilot.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Autopilot.Silo;

/// <summary>
/// The silo's entry in Consul's catalog (service <c>silo</c>), when Consul is configured: registered at its Orleans
/// address and silo port, checked and scraped on its HTTP endpoint.
/// </summary>
internal static class SiloRegistration
{
    /// <summary>
    /// A silo's check runs every second and one failure turns it critical, unlike the other hosts' three in a row: it only
    /// steers the clients' calls away while it fails (<c>ConsulGatewayListProvider</c>, which keeps every silo when all
    /// fail), and it must do so before the membership declares a cut-off silo dead (4–5 s) to be worth anything. A frozen
    /// silo turns critical after one check's timeout (<see cref="Deadlines.ConsulCheck"/>), a cut-off one after its own
    /// probe of its peers (<see cref="Deadlines.ReadyProbe"/>).
    /// </summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);


    public static IServiceCollection AddSiloRegistration(this IServiceCollection services, IConfiguration configuration) =>
        services.AddConsulRegistration(configuration, provider =>
        {
            var endpoints = provider.GetRequiredService<IOptions<EndpointOptions>>().Value;
            var health = ReachableUrl.Of(provider, endpoints.AdvertisedIPAddress);
            var registration = ServiceRegistrationOptions.ForHost(HostRole.Silo.Name, health,
                ("silo_name", provider.GetRequiredService<ILocalSiloDetails>().Name),
                ("cluster_id", provider.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId),
                ("gateway_port", endpoints.GatewayPort.ToString(CultureInfo.InvariantCulture)),
                ("health", health.ToString()));
            registration.Id = InstanceName.For(HostRole.Silo.Name, endpoints.SiloPort);
            registration.Address = endpoints.AdvertisedIPAddress.ToString();
            registration.Port = endpoints.SiloPort;
            registration.CheckInterval = CheckInterval;
            registration.FailuresBeforeCritical = 1;
            return registration;
        });
}
