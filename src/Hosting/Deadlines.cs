namespace Autopilot.Hosting;

/// <summary>
/// The stack's timeout budget in one place: each bound is shorter than the bound that waits on it, so the inner one fails
/// first and its caller still has time to answer (or send the call again) before its own bound. <see cref="Chain"/> lists
/// each pair; one test pins the whole order. Two values live where C# puts them (an attribute's constant in Contracts,
/// a grain's in Grains, which reference nothing of ours) and the same test pins them to the ones here; nginx's read
/// timeout (deploy/nginx/nginx.conf) and the container engine's stop grace (deploy/docker-compose.yml) likewise.
/// Where a value is configurable, this is its default. docs/architecture.md explains the chain.
/// </summary>
public static class Deadlines
{
    /// <summary>
    /// How long a ready check waits on what it asks: a gateway with no open connection, one call to a silo (a silo's check
    /// waits <see cref="PeerAccept"/> for its peers).
    /// </summary>
    public static readonly TimeSpan ReadyProbe = TimeSpan.FromMilliseconds(800);

    /// <summary>
    /// How long a silo's ready check waits for another active silo to accept a connection (<c>SiloReadyCheck</c>): a peer's
    /// kernel accepts in well under a millisecond whatever its process is doing, so only the network makes it wait; a silo
    /// none of whose peers accept is cut off from them.
    /// </summary>
    public static readonly TimeSpan PeerAccept = TimeSpan.FromMilliseconds(500);

    /// <summary>How often Consul runs a silo's check (<c>SiloRegistration.CheckInterval</c>; one failure turns it critical).</summary>
    public static readonly TimeSpan SiloCheckEvery = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a silo whose peer's lifeline ended without a goodbye waits for that peer's endpoint to accept a connection
    /// before it declares the peer dead (<c>LifelineWatch</c> in Silo). A kernel answers a connection in well under a
    /// millisecond whatever its process is doing; a killed container's address answers nothing.
    /// </summary>
    public static readonly TimeSpan LifelineConfirm = TimeSpan.FromMilliseconds(250);

    /// <summary>How long Consul waits for a process's ready check to answer (<c>ServiceRegistrationOptions.CheckTimeout</c>).</summary>
    public static readonly TimeSpan ConsulCheck = TimeSpan.FromSeconds(2);

    /// <summary>How long <c>/cluster</c> waits for one silo's statistics: a frozen silo costs the answer this much, once.</summary>
    public static readonly TimeSpan ClusterStatistics = TimeSpan.FromSeconds(1.5);

    /// <summary>
    /// How long a record's read waits for the other end of its link to confirm it (a customer's rep, a rep's client) before
    /// it answers with its own claim, unconfirmed (<c>LinkConfirmation.Within</c> in Grains): a sick silo does not stall
    /// the reads of records that live elsewhere. Also how long a rep's write waits on its new client before it gives way
    /// to a later write of the same rep that waits for its turn (<c>SalesRepGrain</c>).
    /// </summary>
    public static readonly TimeSpan LinkConfirm = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a record's read waits for storage to confirm that its activation still holds the latest version (the fenced
    /// read, <c>CommittedState.FenceWithin</c> in Grains); past it the read answers unfenced, so a storage outage does not
    /// stop the reads of active records.
    /// </summary>
    public static readonly TimeSpan StorageFence = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// A read of one record (<c>[ResponseTimeout]</c> on every read of the contracts, <c>Reads.Timeout</c>): far above a read's
    /// normal latency, well below <see cref="GatewayCall"/>, so a read sent to a silo that just died is abandoned and sent
    /// again while failure detection runs. It is also the message's time to live.
    /// </summary>
    public static readonly TimeSpan GrainRead = TimeSpan.FromSeconds(3);

    /// <summary>A grain's placement (its directory lookup and registration among it): a lost directory message fails it here.</summary>
    public static readonly TimeSpan Placement = TimeSpan.FromSeconds(5);

    /// <summary>A grain call between silos, and a call to one of Orleans' system targets (the directory's among them).</summary>
    public static readonly TimeSpan SiloCall = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long data sent on an Orleans connection may stay unacknowledged before the connection counts as broken
    /// (<see cref="PeerLossConnectionFactory"/>): a peer behind a partition. The messages sent through it then go through
    /// another connection before a call's own timeout.
    /// </summary>
    public static readonly TimeSpan UnacknowledgedSend = TimeSpan.FromSeconds(4);

    /// <summary>
    /// How long a gateway (Orleans' client) hears nothing from a silo it probes, while other silos answer it, before it leaves
    /// that silo out of its gateway list (<c>GatewayProbes.SilentAfter</c>): some missed probes in a row, not one slow answer.
    /// The calls sent through a frozen silo wait this long and a little more; at 1.5 s, those of the pause's first second
    /// were the slowest 1 % of its unaffected calls (issue 19).
    /// </summary>
    public static readonly TimeSpan GatewaySilent = TimeSpan.FromSeconds(1);

    /// <summary>How often a gateway re-reads the membership and the silos' checks from Consul for its gateway list (<c>ConsulGatewayListProvider.ConsulReadEvery</c>).</summary>
    public static readonly TimeSpan GatewayList = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How often a gateway's list is asked for again (Orleans' <c>GatewayListRefreshPeriod</c>,
    /// <c>ConsulClusteringExtensions.GatewayListRefresh</c>), with its own probes' verdicts applied afresh to the last read of
    /// Consul: a silo that has gone silent leaves the list this soon after <see cref="GatewaySilent"/>.
    /// </summary>
    public static readonly TimeSpan GatewayVerdicts = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long a grain call sent through a gateway that the client's list has just left out may still answer before it is
    /// given up (<c>GatewayLoss</c>, <c>LostGatewayCalls</c>; a write, only if that gateway is still out of the list then):
    /// calls through the other gateways answer in milliseconds, and the ones through the lost gateway would otherwise wait
    /// out their own timeouts.
    /// </summary>
    public static readonly TimeSpan LostGatewayGrace = TimeSpan.FromMilliseconds(250);

    /// <summary>A grain call from a gateway (Orleans' client), before the gateway's retry filter sends it again.</summary>
    public static readonly TimeSpan GatewayCall = TimeSpan.FromSeconds(10);

    /// <summary>The sum of the gateway's retry filter's back-offs (100 ms doubling to 1 s, eight attempts).</summary>
    public static readonly TimeSpan RetryBackoff = TimeSpan.FromSeconds(5.5);

    /// <summary>The whole time a request may take, retries included (<c>Api:RequestTimeout</c>): then the gateway answers 503/504 itself.</summary>
    public static readonly TimeSpan Request = TimeSpan.FromSeconds(20);

    /// <summary>How long nginx waits for a gateway's answer (<c>proxy_read_timeout</c>): longer, so the caller hears the gateway's answer.</summary>
    public static readonly TimeSpan FrontDoorRead = TimeSpan.FromSeconds(30);

    /// <summary>How long the edge may hold a change of the gateways before nginx has it (<c>Edge:MaxDelay</c>): a burst of changes that never pauses is applied after this.</summary>
    public static readonly TimeSpan EdgeFollow = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a stopping gateway keeps answering after it deregistered, before it closes its connections: the edge drops
    /// it meanwhile (Consul's notice, <see cref="EdgeFollow"/>, nginx's reload). Shorter, nginx sent it a write on a
    /// keep-alive connection as it closed, and that write's outcome was unknown (a 502 in the demo's scale-down).
    /// </summary>
    public static readonly TimeSpan GatewayDrain = TimeSpan.FromSeconds(3);

    /// <summary>How long a host drains on SIGTERM (in-flight requests, a silo's grains handed over) before it exits.</summary>
    public static readonly TimeSpan HostShutdown = TimeSpan.FromSeconds(30);

    /// <summary>When a host whose stop has overrun <see cref="HostShutdown"/> ends itself (<see cref="StopDeadline"/>), before the process manager's SIGKILL.</summary>
    public static readonly TimeSpan StopOverrun = HostShutdown + TimeSpan.FromSeconds(5);

    /// <summary>How long a process manager waits after SIGTERM before SIGKILL (compose's <c>stop_grace_period</c>, the local supervisor's stop).</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(40);

    /// <summary>Each inner bound, the bound that waits on it, and why it must be shorter.</summary>
    public static IReadOnlyList<(string Inner, TimeSpan InnerBound, string Outer, TimeSpan OuterBound)> Chain { get; } =
    [
        (nameof(ReadyProbe), ReadyProbe, nameof(ConsulCheck), ConsulCheck),
        (nameof(PeerAccept), PeerAccept, nameof(ConsulCheck), ConsulCheck),
        (nameof(ClusterStatistics), ClusterStatistics, nameof(GrainRead), GrainRead),
        ($"{nameof(LifelineConfirm)} (a killed silo's verdict)", LifelineConfirm, nameof(GrainRead), GrainRead),
        ($"{nameof(StorageFence)} + {nameof(LinkConfirm)}", StorageFence + LinkConfirm, nameof(GrainRead), GrainRead),
        ($"{nameof(GatewaySilent)} + {nameof(GatewayVerdicts)} + {nameof(LostGatewayGrace)}", GatewaySilent + GatewayVerdicts + LostGatewayGrace, nameof(GrainRead), GrainRead),
        (nameof(GatewayVerdicts), GatewayVerdicts, nameof(GatewayList), GatewayList),
        (nameof(GrainRead), GrainRead, nameof(Placement), Placement),
        (nameof(Placement), Placement, nameof(SiloCall), SiloCall),
        (nameof(SiloCall), SiloCall, $"{nameof(GatewayCall)} + 1 ms", GatewayCall + TimeSpan.FromMilliseconds(1)),
        ($"{nameof(UnacknowledgedSend)} + {nameof(PeerLossConnectionFactory.KeepAliveIdle)}", UnacknowledgedSend + PeerLossConnectionFactory.KeepAliveIdle, nameof(GatewayCall), GatewayCall),
        ($"{nameof(GatewayCall)} + {nameof(RetryBackoff)}", GatewayCall + RetryBackoff, nameof(Request), Request),
        (nameof(Request), Request, nameof(FrontDoorRead), FrontDoorRead),
        ($"{nameof(EdgeFollow)} + 1 s for Consul's notice and nginx's reload", EdgeFollow + TimeSpan.FromSeconds(1), nameof(GatewayDrain), GatewayDrain),
        ($"{nameof(GatewayDrain)} + {nameof(Request)}", GatewayDrain + Request, nameof(HostShutdown), HostShutdown),
        (nameof(HostShutdown), HostShutdown, nameof(StopOverrun), StopOverrun),
        (nameof(StopOverrun), StopOverrun, nameof(StopGrace), StopGrace),
    ];
}
