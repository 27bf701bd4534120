using System.Net;
using Autopilot.Consul.Registration;
using Microsoft.Extensions.Options;

namespace Autopilot.Silo;

/// <summary>The silo's identity and endpoints, section <c>Orleans</c>.</summary>
public sealed class OrleansHostOptions
{
    public const string Section = "Orleans";

    public string ClusterId { get; set; } = "autopilot";

    public string ServiceId { get; set; } = "autopilot";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients dial; first non-loopback IPv4 when unset (loopback in the embedded mode).</summary>
    public string? AdvertisedIP { get; set; }

    /// <summary>Shown as <c>source</c> on every row; unique per process when unset (host and silo port).</summary>
    public string? SiloName { get; set; }

    /// <summary>Reads the section and checks it, throwing <see cref="OptionsValidationException"/> with one sentence per bad key.</summary>
    public static OrleansHostOptions Load(IConfiguration configuration)
    {
        OrleansHostOptions options;
        try
        {
            options = configuration.GetSection(Section).Get<OrleansHostOptions>() ?? new OrleansHostOptions();
        }
        catch (InvalidOperationException e)
        {
            throw new OptionsValidationException(Section, typeof(OrleansHostOptions), [e.Message]);
        }

        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            errors.Add($"{Section}:ClusterId must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            errors.Add($"{Section}:ServiceId must not be empty.");
        }

        CheckPort(errors, nameof(SiloPort), options.SiloPort);
        CheckPort(errors, nameof(GatewayPort), options.GatewayPort);
        if (options.SiloPort == options.GatewayPort)
        {
            errors.Add($"{Section}:SiloPort and {Section}:GatewayPort must differ; both are {options.SiloPort}.");
        }

        if (options.AdvertisedIP is { Length: > 0 } ip && !IPAddress.TryParse(ip, out _))
        {
            errors.Add($"{Section}:AdvertisedIP '{ip}' is not an IP address.");
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Section, typeof(OrleansHostOptions), errors);
        }

        return options;
    }

    public string EffectiveSiloName => SiloName is { Length: > 0 } name
        ? name
        : $"silo-{Environment.MachineName.ToLowerInvariant()}-{SiloPort}";

    public IPAddress EffectiveAdvertisedIP(bool embedded)
    {
        if (AdvertisedIP is { Length: > 0 } ip)
        {
            return IPAddress.Parse(ip);
        }

        if (embedded)
        {
            return IPAddress.Loopback;
        }

        return ReachableUrl.FirstNonLoopbackIPv4() ?? IPAddress.Loopback;
    }

    private static void CheckPort(List<string> errors, string key, int port)
    {
        if (port is < 1 or > 65535)
        {
            errors.Add($"{Section}:{key} must be a port between 1 and 65535; it is {port}.");
        }
    }
}
