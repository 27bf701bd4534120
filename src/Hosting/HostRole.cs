namespace Autopilot.Hosting;

/// <summary>
/// Which program this is and where its HTTP endpoint listens when <c>Urls</c> is unset. <see cref="Name"/> is also the
/// service it registers in Consul and the prefix of its instance names: the stack's roles are written here once.
/// </summary>
public sealed record HostRole(string Name, string DefaultUrl)
{
    public static HostRole Silo { get; } = new("silo", "http://127.0.0.1:8090");

    public static HostRole Gateway { get; } = new("gateway", "http://127.0.0.1:8080");

    public static HostRole Edge { get; } = new("edge", "http://127.0.0.1:8070");

    /// <summary>
    /// The catalog metadata key under which a silo registers its HTTP base URL: its peers' ready checks and the clients'
    /// gateway probes ask it there.
    /// </summary>
    public const string HealthMeta = "health";

    /// <summary>The project (and program) that hosts this role: <c>Silo</c> for <c>silo</c>, built as <c>Autopilot.Silo.dll</c>.</summary>
    public string Project => string.Concat(char.ToUpperInvariant(Name[0]), Name[1..]);
}
