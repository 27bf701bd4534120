namespace Autopilot.Stack.Containers;

/// <summary>
/// One docker-compose project of deploy/docker-compose.yml under a name and published ports of its own; whatever it leaves
/// up, <see cref="DisposeAsync"/> takes down with its volumes.
/// </summary>
public sealed class ComposeProject(DockerEngine engine, string root, string name, int port, int prometheusPort, IReadOnlyDictionary<string, string>? settings = null)
    : IAsyncDisposable
{
    public const string Compose1 = "/usr/bin/docker-compose";

    public DockerEngine Engine { get; } = engine;

    public string Root { get; } = root;

    public string Name { get; } = name;

    public int Port { get; } = port;

    public int PrometheusPort { get; } = prometheusPort;

    public string File => Path.Combine(Root, "deploy", "docker-compose.yml");

    /// <summary>What compose is run with: the published ports, and the settings the file passes through (e.g. <c>Edge__ConnectionsPerClient</c>).</summary>
    public Dictionary<string, string> Environment =>
        new(settings ?? new Dictionary<string, string>()) { ["AUTOPILOT_PORT"] = $"{Port}", ["PROMETHEUS_PORT"] = $"{PrometheusPort}" };

    public Uri Front => new($"http://127.0.0.1:{Port}");

    /// <summary>The management token of deploy/.secrets, for what only an operator may ask Consul.</summary>
    public string ConsulManagementToken => System.IO.File.ReadAllText(Path.Combine(Root, "deploy", ".secrets", "consul-master.token")).Trim();

    public Task<string> Compose(TimeSpan timeout, params string[] arguments) =>
        Processes.ExternalProgram.Run(Compose1, ["-p", Name, "-f", File, .. arguments], timeout, Environment, Root);

    public Task<(int Code, string Output, string Error)> TryCompose(TimeSpan timeout, params string[] arguments) =>
        Processes.ExternalProgram.Try(Compose1, ["-p", Name, "-f", File, .. arguments], timeout, Environment, Root);

    /// <summary>The ids of the project's containers of <paramref name="service"/> that run.</summary>
    public async Task<List<string>> Containers(string service) =>
        [.. (await Compose(TimeSpan.FromMinutes(1), "ps", "-q", service)).Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>The last lines of every container's log, for a failure's message.</summary>
    public async Task<string> LogTail(int lines = 15) => "\n" + (await TryCompose(TimeSpan.FromMinutes(1), "logs", "--tail", $"{lines}")).Output;

    /// <summary>
    /// Writes every container's log of the project (running or not, over all its restarts, with the engine's timestamps) to
    /// <c>NAME.log</c> in <paramref name="folder"/>; the containers it wrote.
    /// </summary>
    public async Task<int> SaveLogs(string folder)
    {
        Directory.CreateDirectory(folder);
        var listed = await Engine.Run(TimeSpan.FromMinutes(1), "ps", "-a", "--filter", $"label=com.docker.compose.project={Name}", "--format", "{{.ID}} {{.Names}}");
        var saved = 0;
        foreach (var line in listed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var idAndName = line.Split(' ', 2);
            await System.IO.File.WriteAllTextAsync(Path.Combine(folder, $"{idAndName[^1]}.log"), await Engine.Logs(idAndName[0], timestamps: true));
            saved++;
        }

        return saved;
    }

    public async ValueTask DisposeAsync() => await TryCompose(TimeSpan.FromMinutes(3), "down", "-v", "--remove-orphans", "-t", "5");
}
