using Microsoft.Extensions.Options;

namespace Autopilot.Gateway;

/// <summary>How the gateway finds its cluster, section <c>Orleans</c>.</summary>
public sealed class ClusterClientOptions
{
    public const string Section = "Orleans";

    public string ClusterId { get; set; } = "autopilot";

    public string ServiceId { get; set; } = "autopilot";

    /// <summary>The silo gateway port dialled on loopback in the embedded mode.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>How long one grain call may take before the request answers 503.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Reads the section and checks it, throwing <see cref="OptionsValidationException"/> with one sentence per bad key.</summary>
    public static ClusterClientOptions Load(IConfiguration configuration)
    {
        ClusterClientOptions options;
        try
        {
            options = configuration.GetSection(Section).Get<ClusterClientOptions>() ?? new ClusterClientOptions();
        }
        catch (InvalidOperationException e)
        {
            throw new OptionsValidationException(Section, typeof(ClusterClientOptions), [e.Message]);
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

        if (options.GatewayPort is < 1 or > 65535)
        {
            errors.Add($"{Section}:GatewayPort must be a port between 1 and 65535; it is {options.GatewayPort}.");
        }

        if (options.ResponseTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{Section}:ResponseTimeout must be positive; it is {options.ResponseTimeout}.");
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Section, typeof(ClusterClientOptions), errors);
        }

        return options;
    }
}
