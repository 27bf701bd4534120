using Autopilot.Consul.Client;
using Autopilot.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;

namespace Autopilot.Clustering.Consul;

/// <summary>
/// The gateways of the active silos in the Consul membership table, re-read every <see cref="ConsulReadEvery"/>, less
/// those that cannot serve this client's calls, judged afresh at each <see cref="GatewayOptions.GatewayListRefreshPeriod"/>. Orleans' client
/// sends each grain's calls through one gateway chosen by the grain's hash, so until the membership declares a sick silo
/// dead, a third of every key's calls waited out their timeouts there, keys on healthy silos included (issue 19). Not served
/// new calls:
/// <list type="bullet">
/// <item>a silo whose own check in Consul's catalog is critical because the silo says it is cut off from its peers
/// (<see cref="ConsulClusteringOptions.SiloService"/>, <see cref="ReadyAnswer.CutOffFromPeers"/>): it forwards nothing, and
/// fails its ready check within a second (<c>SiloReadyCheck</c>). It is left out of the list, and Orleans' client closes
/// its connection;</item>
/// <item>a silo that answered this client's own probes and then has not for <see cref="GatewayProbes.SilentAfter"/>, while
/// other silos answered questions asked since (<see cref="GatewayProbes"/>, at the HTTP URL the silo registered): a frozen
/// silo, or one this client cannot reach. It stays in the list, masked for new calls with its connection kept open
/// (<see cref="GatewayMask"/>), so that the answers of the calls in flight through it, and those its grains send this client,
/// still come if it was only slow for a moment (left out, a silo silent for a second on a busy machine cost those calls
/// their answers).</item>
/// </list>
/// A check that failed by timing out is not followed: a frozen silo cannot be told from a Consul agent short of CPU; the
/// client's own probes ask the question that matters to it instead. Were every active silo out, the list keeps them all,
/// unmasked: a client with no gateway has nowhere to go. A catalog that cannot be read changes nothing. A gateway that served
/// this client's calls and no longer does tells them (<see cref="GatewayLoss"/>): those sent through it cannot answer while
/// it stays out.
/// </summary>
/// <remarks>
/// While Consul cannot be read, the last list read is served: the silos behind it are still there, and a client must not
/// lose the cluster because Consul restarts. The same holds when the table itself is gone after a list was read (no
/// version key: a Consul that lost or has not yet rebuilt its data): Orleans closes the connection to every gateway
/// missing from the list, so believing that empty answer would cut a connected client off a cluster that is still there.
/// </remarks>
public sealed partial class ConsulGatewayListProvider(
    ConsulClient consul,
    IOptions<ConsulClusteringOptions> options,
    IOptions<ClusterOptions> cluster,
    GatewayProbes probes,
    GatewayLoss loss,
    GatewayMask mask,
    TimeProvider time,
    ILogger<ConsulGatewayListProvider> logger) : IGatewayListProvider
{
    private readonly MembershipStore store = new(consul, options.Value.KvRootFolder, cluster.Value.ClusterId, logger);
    private IList<Uri>? lastGood;
    private List<Uri>? lastServing;
    private string leftOut = "";
    private ConsulRead? consulRead;
    private long consulReadAt;

    /// <summary>
    /// How often the membership and the silos' checks are read from Consul (<see cref="Deadlines.GatewayList"/>). Orleans asks
    /// for the list more often (<see cref="Deadlines.GatewayVerdicts"/>): each time, this client's probes' verdicts are
    /// applied afresh to the last read, so that a silo gone silent leaves the list within a tenth of a second of its
    /// verdict, not of the next read.
    /// </summary>
    public static readonly TimeSpan ConsulReadEvery = Deadlines.GatewayList;

    /// <summary>
    /// How long Orleans' client keeps away from a gateway it failed to connect to, though this list still names it
    /// (Orleans reads it as this list's <see cref="MaxStaleness"/>). The list is fresh within a refresh period, but it
    /// follows the membership, and the membership says nothing of the network between this client and one silo: a gateway
    /// cut from one silo that is alive for everyone else. Kept away only a refresh period, the client connected to
    /// that silo again every second, and each attempt held the grain calls waiting on it for Orleans' connect timeout, for
    /// the whole of the cut. A silo that is really gone leaves the list anyway, and when every gateway is kept away Orleans
    /// tries them all again.
    /// </summary>
    public static readonly TimeSpan UnreachableGatewayAvoidedFor = TimeSpan.FromSeconds(30);

    public TimeSpan MaxStaleness => UnreachableGatewayAvoidedFor;

    public bool IsUpdatable => true;

    public Task InitializeGatewayListProvider() => Task.CompletedTask;

    public Task InitializeGatewayListProviderAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IList<Uri>> GetGateways() => GetGatewaysAsync(CancellationToken.None);

    public async Task<IList<Uri>> GetGatewaysAsync(CancellationToken cancellationToken)
    {
        if (consulRead is null || time.GetElapsedTime(consulReadAt) >= ConsulReadEvery)
        {
            consulReadAt = time.GetTimestamp();
            try
            {
                var table = await store.Read(cancellationToken);
                if (table.Version is null && lastGood is not null)
                {
                    LogTableMissing(logger, lastGood.Count);
                    return lastGood;
                }

                var catalog = await Catalog(cancellationToken);
                consulRead = new ConsulRead(
                    table.Entries.Select(e => e.Entry).Where(e => e.Status == SiloStatus.Active && e.ProxyPort > 0).ToList(),
                    table.Entries.Select(e => e.Entry).Where(e => e.Status == SiloStatus.Dead && e.ProxyPort > 0 && !StoppedByItself(e)).ToList(),
                    catalog.CutOff);
                if (catalog.Health is { } health)
                {
                    var followed = new Dictionary<string, Uri>(StringComparer.Ordinal);
                    foreach (var entry in consulRead.Active)
                    {
                        if (health.TryGetValue(entry.SiloAddress.Endpoint.ToString(), out var url))
                        {
                            followed[GatewayProbes.Key(entry.SiloAddress)] = url;
                        }
                    }

                    probes.Follow(followed);
                }
            }
            catch (Exception e) when (lastGood is not null && e is HttpRequestException or TimeoutException or ConsulException)
            {
                // The last read still stands (the silos behind it are still there); the probes' verdicts are applied to it.
                LogServingLastGood(logger, lastGood.Count, e.Message);
            }
        }

        return Apply(consulRead!);
    }

    // The list from the last read of Consul and the probes' verdicts now.
    private IList<Uri> Apply(ConsulRead read)
    {
        var reasons = read.Active
            .Select(e => (Entry: e, Reason: Reason(e.SiloAddress, read.CutOff)))
            .ToList();
        var serving = reasons.Where(r => r.Reason is null).Select(r => r.Entry).ToList();
        var allOut = serving.Count == 0;
        var kept = allOut ? read.Active : serving;
        // A silent silo stays in the list, masked for new calls, its connection open for the answers of the calls in flight
        // (GatewayMask); one cut off from its peers forwards nothing, and is left out.
        var masked = allOut
            ? []
            : reasons.Where(r => r.Reason is { Silent: true } && mask.Mask(ProxyAddress(r.Entry))).Select(r => r.Entry).ToHashSet();
        var nowLeftOut = string.Join(", ", reasons
            .Where(r => !kept.Contains(r.Entry))
            .Select(r => $"{r.Entry.SiloName} ({r.Reason!.Value.Text}; {(masked.Contains(r.Entry) ? "masked, its connection kept for the calls in flight" : "left out of the gateway list")})")
            .Order(StringComparer.Ordinal));
        if (nowLeftOut != leftOut)
        {
            leftOut = nowLeftOut;
            LogLeftOut(logger, nowLeftOut.Length == 0 ? "none" : nowLeftOut);
        }

        var list = read.Active.Where(e => kept.Contains(e) || masked.Contains(e)).Select(Gateway).ToList();
        var servingNow = kept.Select(Gateway).ToList();
        // A gateway this client was sending through, left out or masked for a reason, or declared dead by others: the calls
        // sent through it cannot answer while it stays so. Not one that stops, whether this list saw it shutting down or
        // only dead (a stop of a silo with few grains takes less than a read of Consul): it told its clients to stop
        // sending, and the calls still in flight through it keep waiting for their answers.
        var lost = reasons.Where(r => !kept.Contains(r.Entry)).Select(r => r.Entry).Concat(read.DeclaredDead)
            .Select(Gateway)
            .Where(g => lastServing?.Contains(g) == true)
            .ToList();
        if (lost.Count > 0)
        {
            loss.Lost(lost);
        }

        loss.Serving(servingNow);
        lastServing = servingNow;
        lastGood = list;
        return lastGood;
    }

    /// <summary>
    /// True for a silo that wrote its own death: Orleans' graceful stop adds the silo itself to its suspecters as it does
    /// (<c>MembershipTableManager.TryUpdateMyStatusGlobalOnce</c>), while a silo declared dead has the silos that declared it.
    /// </summary>
    public static bool StoppedByItself(MembershipEntry entry) =>
        entry.SuspectTimes?.Any(s => s.Item1.Equals(entry.SiloAddress)) == true;

    private static Uri Gateway(MembershipEntry entry) =>
        SiloAddress.New(entry.SiloAddress.Endpoint.Address, entry.ProxyPort, entry.SiloAddress.Generation).ToGatewayUri();

    // Why an active silo does not serve this client's new calls (silent: masked; otherwise left out), or null when it does.
    private (string Text, bool Silent)? Reason(SiloAddress silo, HashSet<string> cutOff) =>
        cutOff.Contains(silo.Endpoint.ToString()) ? ("its ready check says it is cut off from its peers", false)
        : probes.IsSilent(GatewayProbes.Key(silo)) && probes.OthersAnsweredSince(GatewayProbes.Key(silo)) ? ($"silent to this client for {GatewayProbes.SilentAfter.TotalSeconds} s while others answer", true)
        : null;

    // The silo's gateway as Orleans' client keys it: its proxy endpoint, generation 0.
    private static SiloAddress ProxyAddress(MembershipEntry entry) =>
        SiloAddress.New(entry.SiloAddress.Endpoint.Address, entry.ProxyPort, 0);

    // From the silos' entries in Consul's catalog: the endpoints (address:port, as the silos register) whose own check is
    // critical because they are cut off from their peers, and each one's HTTP base URL (HostRole.HealthMeta). Nothing is
    // cut off and the URLs are not known (null) when not asked or when the catalog cannot be read.
    private async Task<(HashSet<string> CutOff, Dictionary<string, Uri>? Health)> Catalog(CancellationToken cancellationToken)
    {
        if (options.Value.SiloService is not { } service)
        {
            return ([], null);
        }

        try
        {
            var instances = await consul.HealthService(service, passingOnly: false, cancellationToken: cancellationToken);
            var cutOff = instances.Value
                .Where(i => i.Checks.Any(c => c.ServiceID == i.Service.ID && c.Status == "critical" && c.Output.Contains(ReadyAnswer.CutOffFromPeers, StringComparison.Ordinal)))
                .Select(i => i.Service.Endpoint())
                .ToHashSet(StringComparer.Ordinal);
            return (cutOff, ServiceEntry.HealthUrls(instances.Value));
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or ConsulException)
        {
            LogChecksUnread(logger, e.Message);
            return ([], null);
        }
    }

    // One read of Consul: the active silos with a gateway, those declared dead by others, and the endpoints whose check says
    // they are cut off from their peers.
    private sealed record ConsulRead(List<MembershipEntry> Active, List<MembershipEntry> DeclaredDead, HashSet<string> CutOff);

    [LoggerMessage(Level = LogLevel.Information, Message = "Active silos that take no new calls from this client: {Silos}")]
    private static partial void LogLeftOut(ILogger logger, string silos);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Cannot read the silos' checks from Consul ({Reason}); the gateway list follows the membership and this client's probes")]
    private static partial void LogChecksUnread(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consul holds no membership table for this cluster any more; keeping the last {Count} gateway(s)")]
    private static partial void LogTableMissing(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot read the gateway list from Consul ({Reason}); keeping the last {Count} gateway(s)")]
    private static partial void LogServingLastGood(ILogger logger, int count, string reason);
}
