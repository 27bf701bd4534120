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
    /// A silo's check runs every half second and one failure turns it critical (the other hosts: every 2 s, three in a row):
    /// a silo cut off from its peers then leaves the clients' gateway lists 1–2 s into the cut, well before the membership
    /// declares it dead (4–5 s), which is what makes it worth anything (<c>ConsulGatewayListProvider</c>). Clients follow
    /// only that reason (<see cref="ReadyAnswer.CutOffFromPeers"/>), not a check that timed out, so a Consul agent short of
    /// CPU, which times out checks of healthy processes (bench/README.md, "Health checks under saturation"), steers nothing.
    /// </summary>
    public static readonly TimeSpan CheckInterval = Deadlines.SiloCheckEvery;

    public const int FailuresBeforeCritical = 1;

    public static IServiceCollection AddSiloRegistration(this IServiceCollection services, IConfiguration configuration) =>
        services.AddConsulRegistration(configuration, provider =>
        {
            var endpoints = provider.GetRequiredService<IOptions<EndpointOptions>>().Value;
            var health = ReachableUrl.Of(provider, endpoints.AdvertisedIPAddress);
            var registration = ServiceRegistrationOptions.ForHost(HostRole.Silo.Name, health,
                ("silo_name", provider.GetRequiredService<ILocalSiloDetails>().Name),
                ("cluster_id", provider.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId),
                ("gateway_port", endpoints.GatewayPort.ToString(CultureInfo.InvariantCulture)),
                (HostRole.HealthMeta, health.ToString()));
            registration.Id = InstanceName.For(HostRole.Silo.Name, endpoints.SiloPort);
            registration.Address = endpoints.AdvertisedIPAddress.ToString();
            registration.Port = endpoints.SiloPort;
            registration.CheckInterval = CheckInterval;
            registration.FailuresBeforeCritical = FailuresBeforeCritical;
            return registration;
        });
}
