using Autopilot.Testing;

namespace Autopilot.SystemTests;

/// <summary>
/// A Docker engine and the stack's images, made the way a user makes them: scripts/docker-engine.sh (Debian's docker.io,
/// dockerd started if none answers) and <c>./autopilot images</c> (local stand-ins for public base images that cannot be
/// pulled here). A dockerd this fixture started is stopped at the end; images stay cached for the next run.
/// </summary>
public sealed class ContainerEngine : IAsyncLifetime
{
    private readonly string run = Path.Combine(Path.GetTempPath(), "autopilot-tests", $"containers-{Guid.NewGuid():N}");

    public string Docker { get; private set; } = "";

    /// <summary>The base images <c>./autopilot images</c> chose (deploy/.env), which compose reads and a stack deploy needs passed.</summary>
    public IReadOnlyDictionary<string, string> Images { get; private set; } = new Dictionary<string, string>();

    public TimeSpan ImagesBuiltIn { get; private set; }

    private Dictionary<string, string> Environment => new() { ["AUTOPILOT_RUN"] = run };

    public async Task InitializeAsync()
    {
        Docker = (await Command.Run(Path.Combine(Repo.Root, "scripts", "docker-engine.sh"), [], TimeSpan.FromMinutes(10), Environment)).Trim();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Command.Run(Path.Combine(Repo.Root, "autopilot"), ["images"], TimeSpan.FromMinutes(20), Environment);
        ImagesBuiltIn = clock.Elapsed;
        Images = File.ReadAllLines(Path.Combine(Repo.Root, "deploy", ".env"))
            .Where(line => line.Contains('=', StringComparison.Ordinal) && !line.StartsWith('#'))
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);
        TestFigures.Print($"containers: engine {Docker}, images built in {ImagesBuiltIn.TotalSeconds:0} s");
    }

    public async Task DisposeAsync() =>
        await Command.Run(Path.Combine(Repo.Root, "scripts", "docker-engine.sh"), ["stop"], TimeSpan.FromMinutes(2), Environment);

    public Task<string> Run(TimeSpan timeout, params string[] arguments) => Command.Run(Docker, arguments, timeout);

    /// <summary>Everything <paramref name="container"/> printed, on standard output and standard error, over all its restarts.</summary>
    public async Task<string> Logs(string container)
    {
        var (_, output, error) = await Command.Try(Docker, ["logs", container], TimeSpan.FromMinutes(1));
        return output + error;
    }
}

[CollectionDefinition(Name)]
public sealed class ContainerCollection : ICollectionFixture<ContainerEngine>
{
    public const string Name = "containers";
}
