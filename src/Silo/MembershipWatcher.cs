using System.Diagnostics.Metrics;
using Autopilot.Hosting;

namespace Autopilot.Silo;

/// <summary>
/// Logs every change of a silo's status in this silo's view of the cluster (joined, declared dead, left) as one line, and
/// counts it on the stack's meter, so that a membership change is visible in the log and on <c>/metrics</c>; and shows each
/// view to <see cref="RejoinProbation"/>.
/// </summary>
public sealed partial class MembershipWatcher(IClusterMembershipService membership, Grains.SiloDeaths deaths, RejoinProbation probation, ILogger<MembershipWatcher> logger) : BackgroundService
{
    private static readonly Counter<long> Changes = AutopilotMetrics.Meter.CreateCounter<long>(
        "autopilot.membership.changes", "{change}", "Silo status changes seen by this silo, by the new status");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var known = new Dictionary<SiloAddress, SiloStatus>();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                foreach (var (address, member) in snapshot.Members)
                {
                    deaths.Observe(member);
                    if (!known.TryGetValue(address, out var before) || before != member.Status)
                    {
                        known[address] = member.Status;
                        Changes.Add(1, new KeyValuePair<string, object?>("status", member.Status.ToString()));
                        LogChanged(logger, member.Name, address.ToString(), member.Status.ToString(), snapshot.Version.Value);
                    }
                }

                probation.Observe(snapshot);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Membership: {Name} ({Address}) is {Status} (table version {Version})")]
    private static partial void LogChanged(ILogger logger, string name, string address, string status, long version);
}
