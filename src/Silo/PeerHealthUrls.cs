using Autopilot.Consul.Client;
using Autopilot.Hosting;

namespace Autopilot.Silo;

/// <summary>
/// The HTTP endpoint of each silo, by its silo endpoint (<c>address:port</c>), from Consul's catalog: every silo registers
/// its base URL in its metadata (<c>health</c>, <see cref="SiloRegistration"/>). <see cref="SiloReadyCheck"/> probes its
/// peers there: a bare connection to a peer's silo port, which speaks TLS, cost that peer a warning with a stack trace each
/// time. The catalog is read again at most every <see cref="RefreshEvery"/>, in the background, and its last answer is kept
/// while Consul does not answer; without Consul (localhost clustering) nothing is known.
/// </summary>
public sealed class PeerHealthUrls(IServiceProvider services, TimeProvider time)
{
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(5);

    private IReadOnlyDictionary<string, Uri> known = new Dictionary<string, Uri>();
    private long readAt; // the timestamp of the last read's end; 0 before the first
    private int reading;

    /// <summary>What the catalog said last; starts a new read when that is older than <see cref="RefreshEvery"/>.</summary>
    public IReadOnlyDictionary<string, Uri> Known => Read(RefreshEvery);

    /// <summary>
    /// The active silos of <paramref name="snapshot"/> other than <paramref name="local"/>, each with its HTTP base URL where
    /// the catalog knows it (<see cref="Known"/>).
    /// </summary>
    public IReadOnlyList<(SiloAddress Silo, Uri? Http)> ActivePeers(ClusterMembershipSnapshot snapshot, SiloAddress local)
    {
        var known = Known;
        return [.. snapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(local))
            .Select(m => (m.SiloAddress, known.GetValueOrDefault(m.SiloAddress.Endpoint.ToString())))];
    }

    /// <summary>
    /// What the catalog said last; starts a new read when that is older than <paramref name="maxAge"/> (for a caller that
    /// misses a silo which has just joined).
    /// </summary>
    public IReadOnlyDictionary<string, Uri> Read(TimeSpan maxAge)
    {
        var at = Volatile.Read(ref readAt);
        if ((at == 0 || time.GetElapsedTime(at) >= maxAge) && Interlocked.Exchange(ref reading, 1) == 0)
        {
            _ = Refresh();
        }

        return known;
    }

    private async Task Refresh()
    {
        try
        {
            if (services.GetService<ConsulClient>() is not { } consul)
            {
                return;
            }

            using var timeout = new CancellationTokenSource(Deadlines.ConsulCheck);
            var instances = await consul.HealthService(HostRole.Silo.Name, passingOnly: false, cancellationToken: timeout.Token);
            known = ServiceEntry.HealthUrls(instances.Value);
        }
        catch (Exception)
        {
            // Consul does not answer, or refuses (the host's own registration reports that): the last answer stands.
        }
        finally
        {
            Volatile.Write(ref readAt, time.GetTimestamp());
            Volatile.Write(ref reading, 0);
        }
    }
}
