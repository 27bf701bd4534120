using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Autopilot.Grains.Tests;

/// <summary>
/// Three silos with the grains, the grain-based record index and an in-memory store that fails on demand
/// (<see cref="FaultyGrainStorage"/>), shared by the grain tests. A record named <c>Frozen …</c> answers
/// <c>Facts</c> and <c>AssignRep</c> only after <see cref="FrozenFor"/>, as a grain on a frozen or cut-off silo would. A
/// record named <c>Late …</c> gets the releases sent to it <see cref="FrozenFor"/> late, as a message held in a cut
/// network would arrive.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const string Frozen = "Frozen";
    public const string Late = "Late";

    private static readonly ConcurrentDictionary<string, TaskCompletionSource> AssignRepAsks = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> ReleasesHeld = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> ReleasesDelivered = new(StringComparer.Ordinal);
    public static readonly TimeSpan FrozenFor = TimeSpan.FromSeconds(2.5);
    private const string InnerStorage = "memory";

    public TestCluster Cluster { get; } = new TestClusterBuilder(initialSilosCount: 3) { PortAllocator = new TestPortAllocator() }
        .AddSiloBuilderConfigurator<SiloConfigurator>()
        .Build();

    public IGrainFactory Grains => Cluster.GrainFactory;

    /// <summary>Completes once the frozen record <paramref name="company"/> has been asked to take a rep (its answer still to come).</summary>
    public static Task AssignRepAsked(string company) => AssignRepBegan(company).Task;

    public IRecordIndex Index => new GrainRecordIndex(Grains);

    public Task InitializeAsync() => Cluster.DeployAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>Every name the index holds for <paramref name="kind"/>, read a page at a time.</summary>
    public async Task<IReadOnlyList<string>> Listed(string kind)
    {
        var all = new List<string>();
        string? after = null;
        while (true)
        {
            var page = await Index.After(kind, after, 1000);
            all.AddRange(page);
            if (page.Count < 1000)
            {
                return all;
            }

            after = page[^1];
        }
    }

    /// <summary>Completes once a release sent to the late record <paramref name="company"/> is being held back.</summary>
    public static Task ReleaseHeld(string company) => Signal(ReleasesHeld, company).Task;

    /// <summary>Completes once a release sent to the late record <paramref name="company"/> has been delivered and answered.</summary>
    public static Task ReleaseDelivered(string company) => Signal(ReleasesDelivered, company).Task;

    private static TaskCompletionSource AssignRepBegan(string company) => Signal(AssignRepAsks, company);

    private static TaskCompletionSource Signal(ConcurrentDictionary<string, TaskCompletionSource> signals, string company) =>
        signals.GetOrAdd(company, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddMemoryGrainStorage(InnerStorage);
            siloBuilder.Services.AddKeyedSingleton<IGrainStorage>(GrainStorage.Name,
                (services, _) => new FaultyGrainStorage(services.GetRequiredKeyedService<IGrainStorage>(InnerStorage)));
            siloBuilder.Services.AddSingleton<IRecordIndex, GrainRecordIndex>();
            siloBuilder.Services.AddSingleton(IStoredVersions.None);
            siloBuilder.Services.AddSingleton(IStoredRecords.None);
            siloBuilder.Services.AddSingleton(TimeProvider.System);
            siloBuilder.Services.AddSingleton<SiloDeaths>();
            siloBuilder.AddIncomingGrainCallFilter(async call =>
            {
                if (call.InterfaceMethod.Name is "Facts" or "AssignRep" && call.TargetId.Key.ToString()!.StartsWith(Frozen, StringComparison.Ordinal))
                {
                    if (call.InterfaceMethod.Name == "AssignRep")
                    {
                        AssignRepBegan(call.TargetId.Key.ToString()!).TrySetResult();
                    }

                    await Task.Delay(FrozenFor);
                }

                await call.Invoke();
            });
            siloBuilder.AddOutgoingGrainCallFilter(async call =>
            {
                var company = call.TargetId.Key.ToString()!;
                if (call.InterfaceMethod.Name is "ReleaseRep" or "ReleaseAssignment" && company.StartsWith(Late, StringComparison.Ordinal))
                {
                    Signal(ReleasesHeld, company).TrySetResult();
                    await Task.Delay(FrozenFor);
                    await call.Invoke();
                    Signal(ReleasesDelivered, company).TrySetResult();
                    return;
                }

                await call.Invoke();
            });
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
