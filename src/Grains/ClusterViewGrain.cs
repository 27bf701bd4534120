using Autopilot.Contracts;
using Orleans.Concurrency;

namespace Autopilot.Grains;

[StatelessWorker]
public sealed class ClusterViewGrain(IClusterMembershipService membership, SiloDeaths deaths) : Grain, IClusterViewGrain
{
    /// <summary>Well inside <see cref="Reads.Timeout"/>: a frozen silo costs the answer this much, once (Deadlines.ClusterStatistics, pinned by its test).</summary>
    public static readonly TimeSpan StatisticsTimeout = TimeSpan.FromSeconds(1.5);

    public Task<int> ActiveSilos() =>
        Task.FromResult(membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active));

    public async Task<IReadOnlyList<SiloSummary>> Silos()
    {
        var members = membership.CurrentSnapshot.Members.Values
            .Where(deaths.Shown)
            .OrderBy(m => m.Status != SiloStatus.Active)
            .ThenBy(m => m.Name, StringComparer.Ordinal)
            .ToList();
        var management = GrainFactory.GetGrain<IManagementGrain>(0);
        var counts = await Task.WhenAll(members.Select(m => m.Status == SiloStatus.Active ? Activations(management, m.SiloAddress) : Task.FromResult<int?>(null)));
        return [.. members.Select((m, i) => new SiloSummary(m.SiloAddress.ToString(), m.Name, m.Status.ToString(), counts[i], deaths.Ending(m.SiloAddress)))];
    }

    private static async Task<int?> Activations(IManagementGrain management, SiloAddress silo)
    {
        try
        {
            var statistics = await management.GetRuntimeStatistics([silo]).WaitAsync(StatisticsTimeout);
            return statistics[0].ActivationCount;
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            // A silo that is stalled or just died: it shows, without a count.
            return null;
        }
    }
}
