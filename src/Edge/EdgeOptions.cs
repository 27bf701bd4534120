using Autopilot.Hosting;
using Microsoft.Extensions.Options;

namespace Autopilot.Edge;

/// <summary>The front door, section <c>Edge</c>.</summary>
public sealed class EdgeOptions
{
    public const string Section = "Edge";

    /// <summary><c>auto</c> (nginx when installed, else YARP), <c>nginx</c> or <c>yarp</c>.</summary>
    public EdgeMode Mode { get; set; } = EdgeMode.Auto;

    /// <summary>Where the front door listens, <c>address:port</c>.</summary>
    public string Listen { get; set; } = "127.0.0.1:8080";

    /// <summary>The Consul service whose passing instances are the upstream.</summary>
    public string Service { get; set; } = HostRole.Gateway.Name;

    /// <summary>The nginx binary: a path, or a name looked up in PATH, /usr/sbin and /usr/local/sbin.</summary>
    public string NginxBinary { get; set; } = "nginx";

    /// <summary>Where nginx's rendered configuration, pid, logs and temp files go.</summary>
    public string RunDirectory { get; set; } = Path.Combine(Directory.GetCurrentDirectory(), ".run", "edge");

    /// <summary>The nginx.conf template (deploy/nginx/nginx.conf; a copy ships next to the edge's binary).</summary>
    public string Template { get; set; } = Path.Combine(AppContext.BaseDirectory, "nginx", "nginx.conf");

    /// <summary>A burst of changes is applied once it has been quiet this long...</summary>
    public TimeSpan Quiescence { get; set; } = TimeSpan.FromMilliseconds(150);

    /// <summary>...or once this long has passed since its first change, whichever comes first.</summary>
    public TimeSpan MaxDelay { get; set; } = Deadlines.EdgeFollow;

    /// <summary>
    /// After Consul comes back (unreachable, or restarted with its index reset), its checks start out critical until
    /// they run again. For this long, gateways it stops listing are kept, as is, at any time, a gateway whose checks have
    /// not run yet (critical with no output); new ones are added at once (<see cref="SettlePolicy"/>).
    /// </summary>
    public TimeSpan SettleAfterRecovery { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long one blocking query to Consul may wait for a change. Kept short because an agent that restarted
    /// empty has a lower index than the one asked for, and holds the query for the whole wait.
    /// </summary>
    public TimeSpan WatchWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Requests per second one client (one address) may send through the front door, on average. Past it, and past
    /// <see cref="BurstPerClient"/> on top, the answer is 429 with Retry-After. The default leaves room for a browser, the
    /// README's loops and the demo many times over; load tests and the bench set their own.
    /// </summary>
    public int RatePerClient { get; set; } = 1000;

    /// <summary>Requests one client may send at once above <see cref="RatePerClient"/> before it is refused.</summary>
    public int BurstPerClient { get; set; } = 1000;

    /// <summary>Requests one client may have in flight at once (nginx counts connections with a request in progress).</summary>
    public int ConnectionsPerClient { get; set; } = 64;

    /// <summary>The most nginx's <c>limit_conn</c> takes.</summary>
    public const int MaxConnectionsPerClient = 65535;

    public int ListenPort => int.Parse(Listen[(Listen.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    public string ListenHost => Listen[..Listen.LastIndexOf(':')];

    /// <summary>
    /// Binds the section and applies <see cref="Validator"/> now, while the host is built: the edge's shape (nginx or YARP,
    /// the ports it listens on) depends on these values, as Orleans' shape depends on its provider types.
    /// </summary>
    public static EdgeOptions Read(IConfiguration configuration)
    {
        var options = new EdgeOptions();
        configuration.GetSection(Section).Bind(options);
        var result = new Validator().Validate(null, options);
        return result.Failed ? throw new OptionsValidationException(Section, typeof(EdgeOptions), result.Failures) : options;
    }

    internal sealed class Validator : IValidateOptions<EdgeOptions>
    {
        public ValidateOptionsResult Validate(string? name, EdgeOptions options)
        {
            var errors = new List<string>();
            if (!Enum.IsDefined(options.Mode))
            {
                errors.Add($"{Section}:Mode must be auto, nginx or yarp; it is '{options.Mode}'.");
            }

            var colon = options.Listen.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(options.Listen[(colon + 1)..], out var port) || port is < 1 or > 65535)
            {
                errors.Add($"{Section}:Listen must be address:port, e.g. 127.0.0.1:8080; it is '{options.Listen}'.");
            }

            if (string.IsNullOrWhiteSpace(options.Service))
            {
                errors.Add($"{Section}:Service must name a Consul service.");
            }

            if (options.Quiescence <= TimeSpan.Zero || options.MaxDelay < options.Quiescence)
            {
                errors.Add($"{Section}:Quiescence must be positive and not above {Section}:MaxDelay; they are {options.Quiescence} and {options.MaxDelay}.");
            }

            if (options.SettleAfterRecovery < TimeSpan.Zero)
            {
                errors.Add($"{Section}:SettleAfterRecovery must not be negative; it is {options.SettleAfterRecovery}.");
            }

            foreach (var (key, value) in new[] { (nameof(RatePerClient), options.RatePerClient), (nameof(BurstPerClient), options.BurstPerClient), (nameof(ConnectionsPerClient), options.ConnectionsPerClient) })
            {
                if (value < 1)
                {
                    errors.Add($"{Section}:{key} must be at least 1; it is {value}.");
                }
            }

            if (options.ConnectionsPerClient > MaxConnectionsPerClient)
            {
                errors.Add($"{Section}:ConnectionsPerClient must be at most {MaxConnectionsPerClient} (nginx's limit_conn); it is {options.ConnectionsPerClient}.");
            }

            if (options.WatchWait < TimeSpan.FromSeconds(1))
            {
                errors.Add($"{Section}:WatchWait must be at least one second; it is {options.WatchWait}.");
            }

            return AutopilotOptions.Result(errors);
        }
    }

    /// <summary>What serves the front door: nginx if it is asked for or installed, else YARP. Throws if nginx is asked for and missing.</summary>
    public FrontDoor ResolveFrontDoor()
    {
        var nginx = Mode == EdgeMode.Yarp ? null : FindNginx();
        if (Mode == EdgeMode.Nginx && nginx is null)
        {
            throw new OptionsValidationException(Section, typeof(EdgeOptions),
                [$"{Section}:Mode is nginx, but no nginx binary '{NginxBinary}' was found; install the nginx package or use {Section}:Mode=yarp."]);
        }

        return nginx is null ? new FrontDoor(EdgeMode.Yarp, null) : new FrontDoor(EdgeMode.Nginx, nginx);
    }

    /// <summary>The nginx binary's full path, or null if nginx is not installed.</summary>
    public string? FindNginx()
    {
        if (NginxBinary.Contains('/'))
        {
            return File.Exists(NginxBinary) ? Path.GetFullPath(NginxBinary) : null;
        }

        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        return path.Concat(["/usr/sbin", "/usr/local/sbin", "/usr/local/nginx/sbin"])
            .Select(directory => Path.Combine(directory, NginxBinary))
            .FirstOrDefault(File.Exists);
    }
}
