using Autopilot.Contracts;
using Autopilot.Hosting;
using Orleans.Configuration;

namespace Autopilot.Silo;

/// <summary>
/// Orleans' options tuned for a cluster on one machine or one network, each overridable under its own section (Orleans binds
/// <c>Orleans:Messaging</c> itself; <c>Orleans:Membership</c>, <c>Orleans:GrainCollection</c>, <c>Orleans:Rebalancer</c> and
/// <c>GrainDirectory</c> are bound here). bench/README.md has what each value cost and bought.
/// </summary>
internal static class SiloTuning
{
    /// <summary>How long a silo keeps a disconnected gateway as its client (Orleans' <c>ClientDropTimeout</c>; Orleans: 1 min).</summary>
    public static readonly TimeSpan ClientDropTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How far below its maximum the cluster's entropy may stay before the activation rebalancer stops its session (Orleans'
    /// <c>AllowedEntropyDeviation</c>, a share of the maximum; Orleans: 0.0001). At 0.005, three silos of equal memory rest
    /// once none holds more than about 38% of the activations; the bench's rebalancing figure stops its clock at 40%.
    /// </summary>
    public const double AllowedEntropyDeviation = 0.005;

    public static IServiceCollection AddSiloTuning(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ClusterMembershipOptions>(o =>
        {
            // Orleans' defaults (5 s probes, never under 2.5 s, three misses) take 15-20 s to declare a frozen silo dead, during
            // which its grains answer nothing. MaxProbeTimeout also sets how long Orleans 10 ignores votes against a silo that
            // sent anything recently (EnableConnectionLivenessCheck: MaxProbeTimeout x NumMissedProbesLimit, here 4 s).
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.MinProbeTimeout = TimeSpan.FromSeconds(1);
            o.MaxProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 2;
            o.NumVotesForDeathDeclaration = 2;
            // Every silo reads the table this often besides gossip. A silo started again on a dead silo's endpoint declares the
            // dead generation in the table without gossip (RetireEarlierGenerations): the others learn of that death within
            // one refresh, and its grains and directory partitions move then (5 s left a kill's unaffected reads waiting 3.6 s).
            o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            // A silo that joins ignores members silent in the table for this long (2 × 5 s): after every silo crashed at
            // once, the first to start again forms the cluster within seconds instead of waiting 30 s or more.
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
            o.NumMissedTableIAmAliveLimit = 2;
            o.DefunctSiloCleanupPeriod = TimeSpan.FromMinutes(1);
            o.DefunctSiloExpiration = TimeSpan.FromMinutes(10);
        });
        services.Configure<ClusterMembershipOptions>(configuration.GetSection("Orleans:Membership"));
        services.Configure<SiloMessagingOptions>(o =>
        {
            // Orleans waits 30 s by default for a placement and for a call between silos, longer than a request's deadline:
            // every message for a grain waits on that grain's one placement in progress, so a lost directory message held
            // every read of a grain past it. The budget's bounds fail them in time for the gateway to send them again.
            o.ResponseTimeout = Deadlines.SiloCall;
            o.SystemResponseTimeout = Deadlines.SiloCall;
            o.PlacementTimeout = Deadlines.Placement;
            // A silo keeps a gateway whose connection dropped as its client for this long, holding the answers for it in
            // the hope it reconnects here. Orleans waits a minute: a gateway cut from this silo (its connection gone after
            // Deadlines.UnacknowledgedSend) had every answer this silo owed it, for calls that came in through other
            // silos, held here for the whole cut, and its requests timed out. Dropped, the client is reached through the
            // silos it is still connected to. The check runs about as often, so the drop comes within twice this.
            o.ClientDropTimeout = ClientDropTimeout;
        });
        services.AddAutopilotWireExceptions();
        services.Configure<GrainCollectionOptions>(o =>
        {
            // Idle records leave memory after two minutes, so a silo's memory follows the working set, not the table.
            o.CollectionAge = TimeSpan.FromMinutes(2);
            o.CollectionQuantum = TimeSpan.FromSeconds(30);
        });
        services.Configure<GrainCollectionOptions>(configuration.GetSection("Orleans:GrainCollection"));
        // Orleans caches up to a million grain locations; entries of collected activations stay until evicted, so after a
        // burst the cache, not the working set, set the silo's memory. Not under Orleans:GrainDirectory, where Orleans
        // reads named grain directory providers.
        services.Configure<GrainDirectoryOptions>(o => o.CacheSize = 20_000);
        services.Configure<GrainDirectoryOptions>(configuration.GetSection("GrainDirectory"));
#pragma warning disable ORLEANSEXP002 // The rebalancer is experimental in Orleans 10; spreading activations onto new silos is the point of this stack.
        services.Configure<ActivationRebalancerOptions>(o =>
        {
            // A cycle moves part of the gap between the fullest and the emptiest silo; Orleans' weights (0.1, 0.1) make the
            // first cycles move a few percent of it, these most of it (bench/README.md, Rebalancing). A cycle every 3 s
            // (Orleans: 15 s; at least twice the load publisher's 1 s refresh, which Orleans checks).
            o.SessionCyclePeriod = TimeSpan.FromSeconds(3);
            o.CycleNumberWeight = 1;
            o.SiloNumberWeight = 0;
            o.RebalancerDueTime = TimeSpan.FromSeconds(10);
            // A balanced cluster rests. Orleans' 0.0001 is never reached while activation counts and memory move: a session
            // ended only on stagnation and the next began a few seconds later, deciding every 3 s to move one activation in a
            // cluster as even as 34/37/38 (which Orleans' MigrateRandomActivations turns into none: it moves one fewer than
            // asked), and really moving a few whenever a handful of new ones landed unevenly. Each migration is a window in
            // which a fault on its target strands the grain's calls until the target is declared dead
            // (docs/orleans-migration-forwarding.md).
            o.AllowedEntropyDeviation = AllowedEntropyDeviation;
        });
        services.Configure<ActivationRebalancerOptions>(configuration.GetSection("Orleans:Rebalancer"));
#pragma warning restore ORLEANSEXP002
        return services;
    }
}
