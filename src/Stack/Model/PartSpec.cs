using System.Globalization;

namespace Autopilot.Stack.Model;

/// <summary>
/// One process of the stack as the model states it: its name (<c>consul</c>, <c>silo-2</c>, ...), the program and its
/// arguments, the ports it binds, how to tell it is ready and what it needs running first.
/// </summary>
/// <param name="Name">The part's name: <c>consul</c>, <c>redis</c>, <c>prometheus</c>, <c>edge</c>, or <c>silo-i</c>, <c>gateway-j</c>.</param>
/// <param name="Kind">What it is.</param>
/// <param name="Instance">Its number among the silos or gateways (1 and up); 0 for the parts that come once.</param>
/// <param name="ProgramArguments">The arguments before the settings.</param>
/// <param name="Ports">The loopback ports it binds: each must be free before it starts.</param>
/// <param name="Ready">How to tell that it serves.</param>
/// <param name="DependsOn">What it needs running (it also waits for it itself, so order is a courtesy, not a must).</param>
/// <param name="Settings">
/// For the stack's own hosts, the configuration it is given that means the same wherever it runs (Consul's address, the
/// cluster id, Redis), as ASP.NET configuration keys: the compose file sets the same keys. Passed as <c>--Key=Value</c>.
/// </param>
/// <param name="LocalSettings">The configuration only the local stack gives (ports, names, folders on this machine).</param>
/// <param name="Program">The executable; for the .NET hosts, <c>dotnet</c> with the host's dll as first argument.</param>
public sealed record PartSpec(
    string Name,
    PartKind Kind,
    int Instance,
    string Program,
    IReadOnlyList<string> ProgramArguments,
    IReadOnlyDictionary<string, string> Settings,
    IReadOnlyDictionary<string, string> LocalSettings,
    IReadOnlyList<int> Ports,
    Readiness Ready,
    IReadOnlyList<PartKind> DependsOn)
{
    /// <summary>The whole command line after <see cref="Program"/>: its own arguments, then every setting as <c>--Key=Value</c>.</summary>
    public IReadOnlyList<string> Arguments =>
        [.. ProgramArguments, .. Settings.Concat(LocalSettings).Select(s => string.Create(CultureInfo.InvariantCulture, $"--{s.Key}={s.Value}"))];

    /// <summary>
    /// Environment variables of the process, for the settings that libraries read from the environment by their standard
    /// names (OpenTelemetry's <c>OTEL_*</c>); the environment of the command that starts the stack wins over them.
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether this part is one the hosts lean on (Consul, Redis, Prometheus, the viewer): started first, each ready before the hosts start.</summary>
    public bool Supporting => Kind is PartKind.Consul or PartKind.Redis or PartKind.Prometheus or PartKind.Viewer;

    /// <summary>Whether this part comes in numbered instances (silos and gateways).</summary>
    public bool Scalable => Kind is PartKind.Silo or PartKind.Gateway;
}
