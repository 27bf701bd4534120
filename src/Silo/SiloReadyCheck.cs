using System.Net;
using System.Net.Sockets;
using Autopilot.Clustering.Consul;
using Autopilot.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Autopilot.Silo;

/// <summary>
/// Ready while this silo is an active member of the cluster and not cut off from it. A silo that reaches neither Consul
/// (its membership table) nor any other active silo cannot learn that the others have declared it dead, so it stops
/// answering ready: it reports why, and ready comes back once either answers again. Consul alone going away changes
/// nothing while the silos still reach each other (the table's last read is served meanwhile), and a silo alone in its
/// cluster has no peer to lose.
/// </summary>
public sealed class SiloReadyCheck(ISiloStatusOracle oracle, IClusterMembershipService membership, ILocalSiloDetails local, IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var consulAnswers = services.GetService<IMembershipTable>() is not ConsulMembershipTable { ConsulAnswers: false };
        var peers = consulAnswers
            ? []
            : membership.CurrentSnapshot.Members.Values
                .Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(local.SiloAddress))
                .Select(m => m.SiloAddress.Endpoint)
                .ToList();
        return Judge(oracle.CurrentStatus, consulAnswers, peers, Deadlines.ReadyProbe, cancellationToken);
    }

    /// <summary>
    /// The verdict from this silo's status, whether Consul answered its table's latest call, and the other active silos,
    /// each given <paramref name="probe"/> to accept a connection (<see cref="Deadlines.ReadyProbe"/> in the check).
    /// </summary>
    public static async Task<HealthCheckResult> Judge(SiloStatus status, bool consulAnswers, IReadOnlyList<IPEndPoint> peers, TimeSpan probe, CancellationToken cancellationToken)
    {
        if (status != SiloStatus.Active)
        {
            return HealthCheckResult.Unhealthy($"silo is {status}");
        }

        if (consulAnswers)
        {
            return HealthCheckResult.Healthy("active");
        }

        if (peers.Count == 0)
        {
            return HealthCheckResult.Healthy("active; Consul does not answer, and this silo is its cluster's only one");
        }

        if (await AnyAnswers(peers, probe, cancellationToken))
        {
            return HealthCheckResult.Healthy("active; Consul does not answer, the other silos do");
        }

        return HealthCheckResult.Unhealthy(
            $"cut off: Consul does not answer and none of the {peers.Count} other active silo(s) accepts a connection within {probe.TotalMilliseconds:0} ms");
    }

    // A TCP connection to a silo's port is what every Orleans message first needs; this asks for nothing more.
    private static async Task<bool> AnyAnswers(IReadOnlyList<IPEndPoint> peers, TimeSpan probe, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(probe);
        var attempts = peers.Select(async peer =>
        {
            using var socket = new Socket(peer.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(peer, timeout.Token);
                return true;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                return false;
            }
        }).ToList();
        while (attempts.Count > 0)
        {
            var done = await Task.WhenAny(attempts);
            if (await done)
            {
                return true;
            }

            attempts.Remove(done);
        }

        return false;
    }
}
