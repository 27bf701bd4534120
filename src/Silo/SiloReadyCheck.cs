using System.Net;
using System.Net.Sockets;
using Autopilot.Clustering.Consul;
using Autopilot.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Autopilot.Silo;

/// <summary>
/// Ready while this silo is an active member of the cluster and not cut off from it.
/// <list type="bullet">
/// <item>A silo that reaches none of two or more other active silos is the one cut off (they still reach each other), and
/// it forwards nothing: the grain calls that clients send through it wait until the membership declares it dead (4–5 s,
/// then their own timeouts). It stops answering ready at once, so its Consul check turns critical and the clients' gateway
/// list (<c>ConsulGatewayListProvider</c>) sends their calls through the other silos meanwhile (issue 19). With one
/// other silo, a cut between the two says nothing of which one is cut off, and both stay ready.</item>
/// <item>A silo that reaches neither Consul (its membership table) nor any other active silo cannot learn that the others
/// have declared it dead, so it stops answering ready too.</item>
/// </list>
/// It reports why, and ready comes back once a peer (or Consul) answers again. Consul alone going away changes nothing
/// while the silos still reach each other (the table's last read is served meanwhile), and a silo alone in its cluster
/// has no peer to lose. A peer that is frozen still accepts connections (the kernel does), so only the network trips this.
/// </summary>
public sealed class SiloReadyCheck(ISiloStatusOracle oracle, IClusterMembershipService membership, ILocalSiloDetails local, IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var consulAnswers = services.GetService<IMembershipTable>() is not ConsulMembershipTable { ConsulAnswers: false };
        var peers = membership.CurrentSnapshot.Members.Values
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

        if (consulAnswers && peers.Count < 2)
        {
            return HealthCheckResult.Healthy("active");
        }

        if (peers.Count == 0)
        {
            return HealthCheckResult.Healthy("active; Consul does not answer, and this silo is its cluster's only one");
        }

        if (await AnyAnswers(peers, probe, cancellationToken))
        {
            return HealthCheckResult.Healthy(consulAnswers ? "active" : "active; Consul does not answer, the other silos do");
        }

        var none = $"none of the {peers.Count} other active silo(s) accepts a connection within {probe.TotalMilliseconds:0} ms";
        return HealthCheckResult.Unhealthy(consulAnswers
            ? $"cut off from its peers: {none}; clients go through the other silos until the cluster decides"
            : $"cut off: Consul does not answer and {none}");
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
