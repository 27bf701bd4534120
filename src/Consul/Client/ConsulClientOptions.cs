using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Autopilot.Consul.Client;

/// <summary>How to reach the Consul agent, section <c>Consul</c>.</summary>
public sealed class ConsulClientOptions
{
    public const string Section = "Consul";

    /// <summary>The agent's HTTP API, http or https, e.g. <c>http://127.0.0.1:8500</c>.</summary>
    public string? Address { get; set; }

    /// <summary>An ACL token, sent as <c>X-Consul-Token</c>.</summary>
    public string? Token { get; set; }

    /// <summary>How long a call that does not block may take.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public Uri AddressUri => new(Address!.EndsWith('/') ? Address : Address + "/");

    /// <summary>Reads the section <c>Consul</c>; null when <c>Consul:Address</c> is unset (the embedded mode). Throws on a bad value.</summary>
    public static ConsulClientOptions? Load(IConfiguration configuration) => Bind(configuration.GetSection(Section));

    /// <summary>Reads these settings from <paramref name="section"/>; null when it has no <c>Address</c>. Throws naming the key on a bad value.</summary>
    public static ConsulClientOptions? Bind(IConfigurationSection section)
    {
        var options = Autopilot.Hosting.SectionBinder.Bind<ConsulClientOptions>(section);

        if (string.IsNullOrWhiteSpace(options.Address))
        {
            return null;
        }

        options.Validate(section.Path);
        return options;
    }

    /// <summary>Copies these settings onto options being configured, e.g. <c>UseConsulClustering(consul.CopyTo)</c>.</summary>
    public void CopyTo(ConsulClientOptions target)
    {
        target.Address = Address;
        target.Token = Token;
        target.RequestTimeout = RequestTimeout;
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> naming the key (under <paramref name="section"/>) and the bad value.</summary>
    public void Validate(string section = Section)
    {
        var errors = new List<string>();
        if (!Uri.TryCreate(Address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{section}:Address '{Address}' is not an http or https URL.");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{section}:RequestTimeout must be positive; it is {RequestTimeout}.");
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(section, typeof(ConsulClientOptions), errors);
        }
    }
}
