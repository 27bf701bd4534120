using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Autopilot.Consul.Client;

/// <summary>How to reach the Consul agent, section <c>Consul</c>.</summary>
public sealed class ConsulClientOptions
{
    public const string Section = "Consul";

    /// <summary>The key that, when set, makes a host use Consul (clustering, registration); unset is the embedded mode.</summary>
    public const string AddressKey = $"{Section}:Address";

    /// <summary>
    /// The agent's HTTP API, http or https, e.g. <c>http://127.0.0.1:8500</c>; or several agents of one cluster, separated
    /// by commas (<c>http://consul-1:8500,http://consul-2:8500,http://consul-3:8500</c>): the client keeps to one of them
    /// and moves to the next when it does not answer (<see cref="ConsulClient"/>).
    /// </summary>
    public string? Address { get; set; }

    /// <summary>An ACL token, sent as <c>X-Consul-Token</c>. Prefer <see cref="TokenFile"/>: a value here shows in the process's arguments or environment.</summary>
    public string? Token { get; set; }

    /// <summary>A file holding the ACL token (a Docker secret, or a file of the run folder), read when the client is made.</summary>
    public string? TokenFile { get; set; }

    /// <summary>Where the token comes from, for messages (never the token itself).</summary>
    public string TokenSource => TokenFile is { Length: > 0 } file ? $"{Section}:TokenFile '{file}'" : Token is { Length: > 0 } ? $"{Section}:Token" : "no token (anonymous)";

    /// <summary>The token to send: <see cref="Token"/>, else the content of <see cref="TokenFile"/>, else none.</summary>
    public string? EffectiveToken() =>
        Token is { Length: > 0 } token ? token : TokenFile is { Length: > 0 } file ? File.ReadAllText(file).Trim() : null;

    /// <summary>How long a call that does not block may take.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The agents of <see cref="Address"/>, each with a trailing slash.</summary>
    public IReadOnlyList<Uri> AddressUris =>
        [.. Entries(Address).Select(a => new Uri(a.EndsWith('/') ? a : a + "/"))];

    /// <summary>Whether <paramref name="configuration"/> names a Consul agent (<c>Consul:Address</c>).</summary>
    public static bool Configured(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[AddressKey]);

    /// <summary>The rules of these settings, each broken one a sentence naming the key (under <paramref name="section"/>) and the bad value.</summary>
    public IReadOnlyList<string> Errors(string section = Section)
    {
        var errors = new List<string>();
        var entries = Entries(Address);
        if (entries.Count == 0)
        {
            errors.Add($"{section}:Address '{Address}' is not an http or https URL.");
        }

        foreach (var entry in entries)
        {
            if (!Uri.TryCreate(entry, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add(entries.Count == 1
                    ? $"{section}:Address '{Address}' is not an http or https URL."
                    : $"{section}:Address '{Address}': '{entry}' is not an http or https URL (several agents are separated by commas).");
            }
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{section}:RequestTimeout must be positive; it is {RequestTimeout}.");
        }

        if (TokenFile is { Length: > 0 } file && !File.Exists(file))
        {
            errors.Add($"{section}:TokenFile '{file}' does not exist.");
        }

        return errors;
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> naming the key and the bad value, if any rule is broken.</summary>
    public void Validate(string section = Section)
    {
        if (Errors(section) is { Count: > 0 } errors)
        {
            throw new OptionsValidationException(section, typeof(ConsulClientOptions), errors);
        }
    }

    private static List<string> Entries(string? address) =>
        [.. (address ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    internal sealed class Validator : IValidateOptions<ConsulClientOptions>
    {
        public ValidateOptionsResult Validate(string? name, ConsulClientOptions options) => Autopilot.Hosting.AutopilotOptions.Result(options.Errors());
    }
}
