namespace Autopilot.Stack.Model;

/// <summary>
/// Where a local stack keeps its state: <c>.run/</c> in the repository, or <c>$AUTOPILOT_RUN</c>. Pid files, logs, the
/// published hosts, Consul's and Redis's data, and <c>stack.json</c> (what <c>up</c> chose).
/// </summary>
public sealed class RunFolder(string root)
{
    public const string Variable = "AUTOPILOT_RUN";

    public string Root { get; } = Path.GetFullPath(root);

    public string Pids => Path.Combine(Root, "pids");

    public string Logs => Path.Combine(Root, "logs");

    public string Publish => Path.Combine(Root, "publish");

    public string StackFile => Path.Combine(Root, "stack.json");

    /// <summary>The stack's secrets (passwords, tokens, keys): created on the first <c>up</c>, readable by this user alone.</summary>
    public string Secrets => Path.Combine(Root, "secrets");

    public string Secret(string name) => Path.Combine(Secrets, name);

    /// <summary>The front door's URL while the stack is up; <c>up</c> prints it last.</summary>
    public string UrlFile => Path.Combine(Root, "url");

    /// <summary>The folder of the run's own data for <paramref name="part"/> (<c>consul</c>, <c>redis</c>, <c>prometheus</c>, <c>edge</c>).</summary>
    public string Data(string part) => Path.Combine(Root, part);

    public string PidFile(string name) => Path.Combine(Pids, $"{name}.pid");

    public string SupervisorFile(string name) => Path.Combine(Pids, $"{name}.supervisor");

    /// <summary>Present while a part is stopped on purpose: its supervisor does not start it again.</summary>
    public string StopMarker(string name) => Path.Combine(Pids, $"{name}.stop");

    /// <summary>The exit code with which a part's supervisor gave up (bad configuration, or a stop).</summary>
    public string ExitFile(string name) => Path.Combine(Pids, $"{name}.exit");

    public string CommandFile(string name) => Path.Combine(Pids, $"{name}.cmd");

    public string LogFile(string name) => Path.Combine(Logs, $"{name}.log");

    /// <summary>The value a part's supervisor carries in its environment as <c>AUTOPILOT_PART</c>: how it is known as ours.</summary>
    public string PartTag(string name) => Path.Combine(Pids, name);

    /// <summary>Where scripts/docker-engine.sh keeps the pid of a dockerd it started (and only such a one).</summary>
    public string DockerPidFile => Path.Combine(Root, "docker", "dockerd.pid");

    public static RunFolder For(string repositoryRoot) =>
        new(Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } run ? run : Path.Combine(repositoryRoot, ".run"));
}
