using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;

namespace Autopilot.Silo;

/// <summary>
/// What the silo reads of Orleans' own keys before Orleans does, to check them at start-up with one sentence per bad value,
/// to register in Consul and to name itself: <c>Orleans:ClusterId</c>, <c>Orleans:ServiceId</c>, <c>Orleans:Name</c> and
/// <c>Orleans:Endpoints:*</c>. Orleans binds the same keys itself; nothing here overrides them.
/// </summary>
public sealed record SiloSettings(string ClusterId, string ServiceId, int SiloPort, int GatewayPort, IPAddress? AdvertisedIPAddress, string? Name)
{
    public const string Section = "Orleans";
    public const string DefaultId = Autopilot.Hosting.ClusterDefaults.Id;

    /// <summary>Shown as <c>source</c> on every row: <c>Orleans:Name</c>, else <c>silo-{host}-{SiloPort}</c>.</summary>
    public string EffectiveName => Name is { Length: > 0 } name ? name : Autopilot.Hosting.InstanceName.For(Autopilot.Hosting.HostRole.Silo.Name, SiloPort);

    public static SiloSettings Load(IConfiguration configuration)
    {
        var orleans = configuration.GetSection(Section);
        var errors = new List<string>();
        var clusterId = orleans["ClusterId"] ?? DefaultId;
        var serviceId = orleans["ServiceId"] ?? DefaultId;
        if (string.IsNullOrWhiteSpace(clusterId))
        {
            errors.Add($"{Section}:ClusterId must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(serviceId))
        {
            errors.Add($"{Section}:ServiceId must not be empty.");
        }

        var siloPort = Port(orleans, "Endpoints:SiloPort", 11111, errors);
        var gatewayPort = Port(orleans, "Endpoints:GatewayPort", 30000, errors);
        if (siloPort == gatewayPort)
        {
            errors.Add($"{Section}:Endpoints:SiloPort and {Section}:Endpoints:GatewayPort must differ; both are {siloPort}.");
        }

        IPAddress? advertised = null;
        if (orleans["Endpoints:AdvertisedIPAddress"] is { Length: > 0 } ip && !IPAddress.TryParse(ip, out advertised))
        {
            errors.Add($"{Section}:Endpoints:AdvertisedIPAddress '{ip}' is not an IP address.");
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Section, typeof(SiloSettings), errors);
        }

        return new SiloSettings(clusterId, serviceId, siloPort, gatewayPort, advertised, orleans["Name"]);
    }

    private static int Port(IConfigurationSection orleans, string key, int fallback, List<string> errors)
    {
        var value = orleans[key];
        if (value is null)
        {
            return fallback;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            errors.Add($"{Section}:{key} must be a port between 1 and 65535; it is '{value}'.");
            return fallback;
        }

        return port;
    }
}
