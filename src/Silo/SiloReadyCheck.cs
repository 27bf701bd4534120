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
/// has no peer to lose. A peer that is frozen still accepts connections (the kernel does), so only the network trips this:
/// two frozen peers do not make a healthy silo look cut off.
/// </summary>
public sealed class SiloReadyCheck(
    ISiloStatusOracle oracle, IClusterMembershipService membership, ILocalSiloDetails local, PeerHealthUrls urls, IServiceProvider services) : IHealthCheck
{
    /// <summary>
    /// Another active silo, at its silo endpoint, with its HTTP endpoint when the catalog knows it: the check connects to
    /// that one, since a bare connection to the silo port (TLS) costs the peer a warning with a stack trace.
    /// </summary>
    public sealed record Peer(IPEndPoint Silo, Uri? Http = null);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var consulAnswers = services.GetService<IMembershipTable>() is not ConsulMembershipTable { ConsulAnswers: false };
        var peers = urls.ActivePeers(membership.CurrentSnapshot, local.SiloAddress).Select(p => new Peer(p.Silo.Endpoint, p.Http)).ToList();
        return Judge(oracle.CurrentStatus, consulAnswers, peers, Deadlines.PeerAccept, cancellationToken);
    }

    /// <summary>
    /// The verdict from this silo's status, whether Consul answered its table's latest call, and the other active silos,
    /// each given <paramref name="probe"/> to answer (<see cref="Deadlines.PeerAccept"/> in the check).
    /// </summary>
    public static async Task<HealthCheckResult> Judge(SiloStatus status, bool consulAnswers, IReadOnlyList<Peer> peers, TimeSpan probe, CancellationToken cancellationToken)
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

        var none = $"none of the {peers.Count} other active silo(s) answers within {probe.TotalMilliseconds:0} ms";
        return HealthCheckResult.Unhealthy(consulAnswers
            ? $"{ReadyAnswer.CutOffFromPeers}: {none}; clients go through the other silos until the cluster decides"
            : $"cut off: Consul does not answer and {none}");
    }

    // A peer answers when it accepts a TCP connection, which is what every message first needs and asks for nothing more:
    // at its HTTP endpoint, or, where that is not known (Consul has not said yet, or is not used), at its silo port.
    private static async Task<bool> AnyAnswers(IReadOnlyList<Peer> peers, TimeSpan probe, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(probe);
        var attempts = peers.Select(peer => peer.Http is { } http ? Accepts(new DnsEndPoint(http.Host, http.Port), timeout.Token) : Accepts(peer.Silo, timeout.Token)).ToList();
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

    /// <summary>Whether a process accepts a TCP connection at <paramref name="peer"/> before <paramref name="cancellationToken"/>.</summary>
    internal static async Task<bool> Accepts(EndPoint peer, CancellationToken cancellationToken)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(peer, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
