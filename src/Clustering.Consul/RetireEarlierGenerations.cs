using System.Net;
using System.Net.Sockets;
using Autopilot.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Autopilot.Clustering.Consul;

/// <summary>
/// A silo started again on the endpoint of one that died (same IP and port, a new generation) first declares the earlier
/// generation Dead in the membership table, while nothing listens on the endpoint yet, and gives every process that may
/// still list it as alive the time to read the table before the new silo answers on the endpoint.
/// <para>
/// Orleans declares earlier generations of its own endpoint dead itself (<c>MembershipTableManager</c>), but only when
/// membership starts, seconds after the silo's listener did. Meanwhile a silo that still lists the earlier generation as
/// alive connects to it, the new silo answers, and Orleans' connection manager registers that one connection under both
/// generations; ten seconds after the earlier generation is declared dead it closes every connection of that generation,
/// which is the live connection to the new silo, and calls in flight on it are lost until their timeouts
/// (docs/orleans-stale-generation-connection.md, with a reproduction that this step removes). Hand-written: Orleans has
/// no hook for it.
/// </para>
/// <para>
/// The wait: a silo reads the table when its membership starts, after its listener, and then once per
/// <c>TableRefreshTimeout</c>. So only a silo that already listens may hold a view older than the declaration: when
/// another silo of the table answers on its endpoint (or does not refuse within a second), the step waits one refresh;
/// when none does (every silo was restarted at once), it waits only for the clients' gateway lists
/// (<see cref="Deadlines.GatewayList"/>).
/// </para>
/// <para>
/// Only when nothing answers on the silo's own endpoint: an earlier process that still listens there (a second silo
/// started on a taken port by mistake) keeps its row, and the new silo fails to bind as it would without this step.
/// </para>
/// </summary>
public sealed partial class RetireEarlierGenerations(
    IMembershipTable table,
    ILocalSiloDetails silo,
    IOptions<ClusterMembershipOptions> membership,
    ILogger<RetireEarlierGenerations> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Before the silo's listeners start (<c>RuntimeInitialize - 1</c>).</summary>
    public const int Stage = ServiceLifecycleStage.RuntimeInitialize - 2;

    /// <summary>How long the step waits for a connection to an endpoint (its own, another silo's) to be accepted or refused.</summary>
    private static readonly TimeSpan ListenerProbe = TimeSpan.FromSeconds(1);

    /// <summary>How long after the declaration every running silo has read it: one table refresh, and a read's time.</summary>
    public TimeSpan SiloWait => membership.Value.TableRefreshTimeout + TimeSpan.FromSeconds(1);

    /// <summary>How long after the declaration every client has read it into its gateway list.</summary>
    public static TimeSpan ClientWait => Deadlines.GatewayList + TimeSpan.FromMilliseconds(500);

    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(nameof(RetireEarlierGenerations), Stage, RunAsync);

    /// <summary>
    /// Declares the earlier generations Dead and waits for the others to read it; a failure past the table's initialization
    /// is logged and left to Orleans.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var me = silo.SiloAddress;

        // Waits for Consul as Orleans' own start would, and fails the start as that would; what follows is best effort.
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true, cancellationToken);
        try
        {
            if (await ListensAsync(me.Endpoint, cancellationToken))
            {
                LogEndpointTaken(logger, me.Endpoint.ToString());
                return;
            }

            var (retired, others) = await DeclareDeadAsync(me, cancellationToken);
            if (retired.Count == 0)
            {
                return;
            }

            var running = (await Task.WhenAll(others.Select(other => ListensAsync(other, cancellationToken)))).Count(listens => listens);
            var wait = running > 0 ? SiloWait : ClientWait;
            LogRetired(logger, string.Join(", ", retired), running, wait.TotalSeconds);
            await Task.Delay(wait, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, e);
        }
    }

    // Every row of this endpoint with an earlier generation that is not Dead, declared Dead as Orleans declares a silo dead
    // (the declaring silo among the suspecters, the table version bumped); a lost race re-reads the table. Also answers the
    // endpoints of the other silos the table lists as not Dead.
    private async Task<(List<SiloAddress> Retired, List<IPEndPoint> Others)> DeclareDeadAsync(SiloAddress me, CancellationToken cancellationToken)
    {
        var retired = new List<SiloAddress>();
        var others = new List<IPEndPoint>();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var data = await table.ReadAllAsync(cancellationToken);
            others = [.. data.Members.Select(row => row.Item1)
                .Where(row => row.Status != SiloStatus.Dead && !row.SiloAddress.Endpoint.Equals(me.Endpoint))
                .Select(row => row.SiloAddress.Endpoint).Distinct()];
            var earlier = data.Members.FirstOrDefault(row =>
                row.Item1.SiloAddress.Endpoint.Equals(me.Endpoint) && row.Item1.SiloAddress.Generation < me.Generation && row.Item1.Status != SiloStatus.Dead);
            if (earlier is null)
            {
                break;
            }

            var (entry, etag) = earlier;
            entry.AddSuspector(me, DateTime.UtcNow);
            entry.Status = SiloStatus.Dead;
            if (await table.UpdateRowAsync(entry, etag, data.Version.Next(), cancellationToken))
            {
                retired.Add(entry.SiloAddress);
            }
        }

        return (retired, others);
    }

    // Whether a process listens on the endpoint: true when it accepts a connection, and when it neither accepts nor refuses
    // within ListenerProbe (a filtered address, or a cut: unknown, so taken as yes).
    private static async Task<bool> ListensAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        using var client = new TcpClient(endpoint.AddressFamily);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ListenerProbe);
        try
        {
            await client.ConnectAsync(endpoint, timeout.Token);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Earlier generation(s) {Retired} of this silo's endpoint declared Dead in the membership table before listening; {Running} other silo(s) listening, waiting {Seconds} s for every running process to read it")]
    private static partial void LogRetired(ILogger logger, string retired, int running, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Something already answers on this silo's endpoint {Endpoint}: earlier generations are left to Orleans")]
    private static partial void LogEndpointTaken(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not declare earlier generations of this silo's endpoint Dead before listening; Orleans will once membership starts")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
