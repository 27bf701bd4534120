using System.Globalization;
using System.Net;
using Autopilot.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Autopilot.Silo;

/// <summary>Who this silo is: its cluster, its name (shown as <c>source</c> on every row) and its endpoints.</summary>
internal static class SiloIdentity
{
    public const string EndpointsSection = "Orleans:Endpoints";
    public const string AdvertisedAddressKey = $"{EndpointsSection}:AdvertisedIPAddress";

    public static IServiceCollection AddSiloIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        // Defaults first: Orleans binds its own section (Orleans:ClusterId, Orleans:Name, Orleans:Endpoints) over them.
        services.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = ClusterDefaults.Id;
            o.ServiceId = ClusterDefaults.Id;
        });
        services.Configure<EndpointOptions>(o =>
        {
            // Orleans binds the ports of Orleans:Endpoints itself, but passes over a value that is no number: refuse it here.
            foreach (var key in (string[])["SiloPort", "GatewayPort"])
            {
                if (configuration[$"{EndpointsSection}:{key}"] is { } text && !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    throw new OptionsValidationException(EndpointsSection, typeof(EndpointOptions), [$"{EndpointsSection}:{key} must be a port between 1 and 65535; it is '{text}'."]);
                }
            }

            // Orleans does not bind this address. Unset, it is what the host's name resolves to (a container's address on
            // its own network), as the registration in Consul advertises too.
            if ((AdvertisedAddress(configuration) ?? HostAddress.NonLoopbackIPv4()) is { } advertised)
            {
                o.AdvertisedIPAddress = advertised;
            }
        });
        services.AddOptions<SiloOptions>().Configure<IOptions<EndpointOptions>>((o, endpoints) =>
            o.SiloName = InstanceName.For(HostRole.Silo.Name, endpoints.Value.SiloPort));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EndpointOptions>, EndpointsValidator>());
        services.AddOptions<EndpointOptions>().ValidateOnStart();
        return services;
    }

    private static IPAddress? AdvertisedAddress(IConfiguration configuration) => configuration[AdvertisedAddressKey] switch
    {
        null or "" => null,
        var text when IPAddress.TryParse(text, out var address) => address,
        var text => throw new OptionsValidationException(AdvertisedAddressKey, typeof(EndpointOptions), [$"{AdvertisedAddressKey} '{text}' is not an IP address."]),
    };

    private sealed class EndpointsValidator : IValidateOptions<EndpointOptions>
    {
        public ValidateOptionsResult Validate(string? name, EndpointOptions options)
        {
            var errors = new List<string>();
            foreach (var (key, port) in new[] { ("SiloPort", options.SiloPort), ("GatewayPort", options.GatewayPort) })
            {
                if (port is < 1 or > 65535)
                {
                    errors.Add($"Orleans:Endpoints:{key} must be a port between 1 and 65535; it is {port}.");
                }
            }

            if (options.SiloPort == options.GatewayPort)
            {
                errors.Add($"Orleans:Endpoints:SiloPort and Orleans:Endpoints:GatewayPort must differ; both are {options.SiloPort}.");
            }

            return AutopilotOptions.Result(errors);
        }
    }
}
