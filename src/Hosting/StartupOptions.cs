using Microsoft.Extensions.Options;

namespace Autopilot.Hosting;

/// <summary>How long a host waits at start for what it needs (Consul, Redis, a silo to connect to), section <c>Startup</c>.</summary>
public sealed class StartupOptions
{
    public const string Section = "Startup";

    /// <summary>
    /// Processes start in any order (containers start together); each waits this long for its dependencies, retrying with
    /// back-off and logging each attempt, then exits 1 so that a supervisor or restart policy can try again.
    /// </summary>
    public TimeSpan DependencyTimeout { get; set; } = TimeSpan.FromMinutes(5);

    internal sealed class Validator : IValidateOptions<StartupOptions>
    {
        public ValidateOptionsResult Validate(string? name, StartupOptions options) => AutopilotOptions.Result(options.DependencyTimeout > TimeSpan.Zero
            ? []
            : [$"{Section}:DependencyTimeout must be positive; it is {options.DependencyTimeout}."]);
    }
}
