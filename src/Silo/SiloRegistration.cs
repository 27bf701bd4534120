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
    /// A silo's check runs every second and two failures in a row turn it critical (the other hosts: every 2 s, three in a
    /// row). It only steers the clients' calls away while it fails (<c>ConsulGatewayListProvider</c>, which keeps every
    /// silo when all fail), and it must do so well before the membership declares a cut-off silo dead (4–5 s) to be worth
    /// anything: a cut-off silo turns critical 1–3 s into the cut, after its own probe of its peers
    /// (<see cref="Deadlines.ReadyProbe"/>), a frozen one after two checks' timeouts (<see cref="Deadlines.ConsulCheck"/>).
    /// One failure was enough at first; but a Consul agent short of CPU times out checks of healthy processes (bench/README.md,
    /// "Health checks under saturation"), and a client closes its connection to a gateway it leaves out, with the answers
    /// of the calls in flight on it.
    /// </summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    public const int FailuresBeforeCritical = 2;


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
            registration.FailuresBeforeCritical = FailuresBeforeCritical;
            return registration;
        });
}
