using System.Globalization;
using Autopilot.Stack.Processes;

namespace Autopilot.Stack.Containers;

/// <summary>
/// A Docker engine as scripts/docker-engine.sh makes it answer (Debian's docker.io; dockerd started if none answers), and
/// what the chaos runs and the tests ask of it about containers.
/// </summary>
public sealed class DockerEngine
{
    private static readonly TimeSpan Quick = TimeSpan.FromMinutes(1);
    private readonly string root;
    private readonly IDictionary<string, string> environment;

    private DockerEngine(string root, string docker, IDictionary<string, string> environment)
    {
        this.root = root;
        this.environment = environment;
        Docker = docker;
    }

    /// <summary>The docker command line to use (Debian's, matching its engine).</summary>
    public string Docker { get; }

    /// <summary>Makes an engine answer (<paramref name="environment"/> may name <c>AUTOPILOT_RUN</c>, where the script keeps a dockerd it starts).</summary>
    public static async Task<DockerEngine> Start(string root, IDictionary<string, string> environment)
    {
        var docker = (await ExternalProgram.Run(Path.Combine(root, "scripts", "docker-engine.sh"), [], TimeSpan.FromMinutes(10), environment, root)).Trim();
        return new DockerEngine(root, docker, environment);
    }

    /// <summary>
    /// Stops the dockerd that scripts/docker-engine.sh started under this run folder (<see cref="Start"/>'s, or an earlier
    /// call's whose pid it still holds); an engine the script did not start stays.
    /// </summary>
    public Task Stop() => ExternalProgram.Run(Path.Combine(root, "scripts", "docker-engine.sh"), ["stop"], TimeSpan.FromMinutes(2), environment, root);

    public Task<string> Run(TimeSpan timeout, params string[] arguments) => ExternalProgram.Run(Docker, arguments, timeout);

    public Task<(int Code, string Output, string Error)> Try(TimeSpan timeout, params string[] arguments) => ExternalProgram.Try(Docker, arguments, timeout);

    /// <summary>
    /// Everything <paramref name="container"/> printed, on standard output and standard error, over all its restarts; each
    /// line behind the engine's timestamp when <paramref name="timestamps"/>.
    /// </summary>
    public async Task<string> Logs(string container, bool timestamps = false)
    {
        var (_, output, error) = await Try(Quick, timestamps ? ["logs", "--timestamps", container] : ["logs", container]);
        return output + error;
    }

    /// <summary>Whether <paramref name="container"/> runs, and its main process's pid (0 when it does not run).</summary>
    public async Task<(bool Running, int Pid)> State(string container)
    {
        var state = (await Run(Quick, "inspect", "-f", "{{.State.Running}} {{.State.Pid}}", container)).Trim().Split(' ');
        return (state[0] == "true", int.Parse(state[1], CultureInfo.InvariantCulture));
    }

    /// <summary>Whether each of <paramref name="containers"/> runs, and its main process's pid (0 when it does not run), in one call.</summary>
    public async Task<IReadOnlyDictionary<string, int>> Processes(IReadOnlyCollection<string> containers)
    {
        var lines = (await Run(Quick, ["inspect", "-f", "{{.State.Running}} {{.State.Pid}}", .. containers])).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var pids = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (container, line) in containers.Zip(lines))
        {
            var state = line.Trim().Split(' ');
            pids[container] = state[0] == "true" ? int.Parse(state[1], CultureInfo.InvariantCulture) : 0;
        }

        return pids.Count == containers.Count
            ? pids
            : throw new StackException($"docker inspect answered {lines.Length} state(s) for {containers.Count} container(s)");
    }

    /// <summary>How many times Docker restarted <paramref name="container"/>.</summary>
    public async Task<int> RestartCount(string container) =>
        int.Parse((await Run(Quick, "inspect", "-f", "{{.RestartCount}}", container)).Trim(), CultureInfo.InvariantCulture);

    /// <summary>The container's address on its network (a restarted container may get a new one).</summary>
    public async Task<string> Address(string container) =>
        (await Run(Quick, "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", container)).Trim();

    /// <summary>The container's host name, which a restart keeps; a silo's name (and a record's <c>source</c>) contains it.</summary>
    public async Task<string> Hostname(string container) => (await Run(Quick, "inspect", "-f", "{{.Config.Hostname}}", container)).Trim();
}
