using Autopilot.Stack.Containers;
using Autopilot.Testing;

namespace Autopilot.SystemTests;

/// <summary>
/// A Docker engine and the stack's images, made the way a user makes them: scripts/docker-engine.sh (Debian's docker.io,
/// dockerd started if none answers; <see cref="DockerEngine"/>) and <c>./autopilot images</c> (local stand-ins for public
/// base images that cannot be pulled here). A dockerd this fixture started is stopped at the end; images stay cached for
/// the next run.
/// </summary>
public sealed class ContainerEngine : IAsyncLifetime
{
    private readonly string run = Path.Combine(Path.GetTempPath(), "autopilot-tests", $"containers-{Guid.NewGuid():N}");
    private DockerEngine? engine;

    public DockerEngine Engine => engine ?? throw new InvalidOperationException("the engine is not started yet");

    public string Docker => Engine.Docker;

    /// <summary>The base images <c>./autopilot images</c> chose (deploy/.env), which compose reads and a stack deploy needs passed.</summary>
    public IReadOnlyDictionary<string, string> Images { get; private set; } = new Dictionary<string, string>();

    public TimeSpan ImagesBuiltIn { get; private set; }

    private Dictionary<string, string> Environment => new() { ["AUTOPILOT_RUN"] = run };

    public async Task InitializeAsync()
    {
        engine = await DockerEngine.Start(Repo.Root, Environment);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Command.Run(Path.Combine(Repo.Root, "autopilot"), ["images"], TimeSpan.FromMinutes(20), Environment);
        ImagesBuiltIn = clock.Elapsed;
        Images = File.ReadAllLines(Path.Combine(Repo.Root, "deploy", ".env"))
            .Where(line => line.Contains('=', StringComparison.Ordinal) && !line.StartsWith('#'))
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);
        // Under a whole ./autopilot test run the images were built beside the other projects' tests (its own line says how
        // long that took), and this is Docker's check of its cache; run on their own, these tests wait here for the whole build.
        TestFigures.Print($"containers: engine {Docker}, images ready in {ImagesBuiltIn.TotalSeconds:0} s");
    }

    public async Task DisposeAsync()
    {
        if (engine is not null)
        {
            await engine.Stop();
        }
    }

    /// <summary>A compose project of its own: a fresh name, published ports from the tests' reserved range, and the settings a chaos run needs.</summary>
    public ComposeProject NewProject() =>
        new(Engine, Repo.Root, $"aptest{Guid.NewGuid():N}"[..16], TestPorts.Next(), TestPorts.Next(), Autopilot.Stack.Chaos.ChaosRunner.DeploymentSettings);

    public Task<string> Run(TimeSpan timeout, params string[] arguments) => Engine.Run(timeout, arguments);

    /// <summary>Everything <paramref name="container"/> printed, on standard output and standard error, over all its restarts.</summary>
    public Task<string> Logs(string container) => Engine.Logs(container);
}

[CollectionDefinition(Name)]
public sealed class ContainerCollection : ICollectionFixture<ContainerEngine>
{
    public const string Name = "containers";
}
