using Orleans.Placement.Rebalancing;

namespace Autopilot.Silo;

/// <summary>
/// Keeps Orleans' activation rebalancer from moving grains onto a silo that comes back where one was declared dead, for
/// <see cref="Length"/> after it turns Active (<see cref="IActivationRebalancer.SuspendRebalancing"/>). A silo cut off
/// again and again is declared dead and restarted each time; in the seconds it was Active between two cuts, the rebalancer
/// (a cycle every 3 s) moved activations of healthy silos onto it, the next cut stranded them, and writes to keys that had
/// lived on healthy silos waited out the call timeout (issue 19, the repeated cut). "Where one was declared dead" is the
/// same endpoint, or the same silo name: Docker may give a restarted container a new address, but its host name, and so
/// the silo's name (<c>silo-HOST-PORT</c>), stays. A silo that joins under a new name at a new address (scaling out, a
/// Swarm task replaced), comes back after it left (it was seen shutting down), or takes the place of one that ended before
/// the asking silo started (a stack brought up again with Consul's data kept), starts no probation, so rebalancing onto
/// new silos is as fast as before. One silo asks, the oldest Active one; a failed ask is logged and only costs the
/// probation.
/// </summary>
public sealed partial class RejoinProbation(IServiceProvider services, ILocalSiloDetails local, Grains.SiloDeaths deaths, ILogger<RejoinProbation> logger)
{
    /// <summary>How long the rebalancer leaves a silo that came back alone.</summary>
    public static readonly TimeSpan Length = TimeSpan.FromSeconds(30);

    private readonly HashSet<SiloAddress> started = [];

    /// <summary>
    /// The Active silos of <paramref name="snapshot"/> at whose endpoint, or under whose name, an earlier generation died
    /// (<paramref name="sawDie"/>: this silo saw it declared dead, not leaving; a silo already dead when this one started
    /// does not count, so a stack brought up again after <c>down</c> starts no probation).
    /// </summary>
    public static IReadOnlyList<SiloAddress> Rejoined(ClusterMembershipSnapshot snapshot, Func<SiloAddress, bool> sawDie) =>
        [.. snapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && snapshot.Members.Values.Any(earlier =>
                earlier.Status == SiloStatus.Dead
                && (earlier.SiloAddress.Endpoint.Equals(m.SiloAddress.Endpoint) || (earlier.Name is { Length: > 0 } name && name == m.Name))
                && earlier.SiloAddress.Generation < m.SiloAddress.Generation
                && sawDie(earlier.SiloAddress)))
            .Select(m => m.SiloAddress)];

    /// <summary>Whether <paramref name="silo"/> is the oldest Active silo of <paramref name="snapshot"/>: the one that asks.</summary>
    public static bool Asks(ClusterMembershipSnapshot snapshot, SiloAddress silo) =>
        snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active)
            .OrderBy(m => m.SiloAddress.Generation).ThenBy(m => m.SiloAddress.ToString(), StringComparer.Ordinal)
            .FirstOrDefault()?.SiloAddress.Equals(silo) == true;

    /// <summary>Starts a probation for each silo of <paramref name="snapshot"/> that came back since the last one (without waiting for the rebalancer's answer).</summary>
    public void Observe(ClusterMembershipSnapshot snapshot)
    {
        foreach (var silo in Rejoined(snapshot, deaths.SawDie))
        {
            if (started.Add(silo) && Asks(snapshot, local.SiloAddress) && services.GetService<IActivationRebalancer>() is { } rebalancer)
            {
                _ = Suspend(rebalancer, silo);
            }
        }
    }

    private async Task Suspend(IActivationRebalancer rebalancer, SiloAddress silo)
    {
        try
        {
            await rebalancer.SuspendRebalancing(Length);
            LogStarted(logger, silo.ToString(), Length.TotalSeconds);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            LogFailed(logger, silo.ToString(), e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {Silo} came back where one was declared dead: the activation rebalancer leaves it alone for {Seconds} s")]
    private static partial void LogStarted(ILogger logger, string silo, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not suspend the activation rebalancer for silo {Silo}, which came back where one was declared dead: {Reason}")]
    private static partial void LogFailed(ILogger logger, string silo, string reason);
}
