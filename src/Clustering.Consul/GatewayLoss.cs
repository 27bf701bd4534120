using Autopilot.Hosting;

namespace Autopilot.Clustering.Consul;

/// <summary>
/// Tells a client's grain calls that a gateway they may have gone through no longer serves this client
/// (<see cref="ConsulGatewayListProvider"/>: a silo cut off from its peers and left out of the list, one silent to this
/// client and masked, or one declared dead; not one that stops, which drains its calls). Orleans' client sends each grain's
/// calls through one gateway, chosen by the grain's hash, and keeps the calls already sent through a gateway it no longer
/// uses waiting for their answers: until their own timeouts, 10 s for a write (<see cref="Deadlines.GatewayCall"/>), keys
/// whose grains live on healthy silos included (issue 19: the slowest calls of the silo-cut and the pause were writes sent
/// in the fault's first second). Orleans offers no public way to fail the calls of one connection, nor to tell which
/// connection a call went through; so a caller holds <see cref="Token"/> from when it sends, and after a loss is told the
/// call is given up (the gateway's <c>LostGatewayCalls</c>): a read at once, and it is sent again through another gateway;
/// a write <see cref="Deadlines.LostGatewayGrace"/> later, if a gateway lost since it was sent is still out
/// (<see cref="OutSince"/>), and it answers that its outcome is unknown, as its timeout would have, seconds sooner. A silo
/// that was silent to this client for a moment only (a busy machine: a new silo starting on two cores, in the demo) serves
/// again within the grace, and the writes through its masked, still open connection answer as they would have.
/// </summary>
public sealed class GatewayLoss(TimeProvider time)
{
    private readonly Lock gate = new();
    private readonly Dictionary<Uri, (int Told, long At)> stillOut = [];
    private readonly Dictionary<Uri, long> servingSince = [];
    private CancellationTokenSource current = new();
    private int count;

    /// <summary>
    /// How long after the list left a gateway out or masked it the calls are told: Orleans takes the list the moment the
    /// provider returns it, and a read sent again before that could go through the lost gateway once more.
    /// </summary>
    public static readonly TimeSpan ListApplied = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long a lost gateway is remembered while it stays out: no call waits longer than its request may take
    /// (<see cref="Deadlines.Request"/>), and a dead silo's gateway never serves again.
    /// </summary>
    public static readonly TimeSpan RememberedFor = Deadlines.Request;

    /// <summary>Cancelled when a gateway that this client was sending through stops serving it; a new one follows.</summary>
    public CancellationToken Token => Volatile.Read(ref current).Token;

    /// <summary>How many losses have been told: the number of the last one (a call sent now comes after it).</summary>
    public int Count => Volatile.Read(ref count);

    /// <summary>
    /// The list has just left out or masked <paramref name="gateways"/>, which served this client's calls before: after
    /// <see cref="ListApplied"/>, the calls sent until then are told, and the gateways that do not serve again meanwhile count
    /// as out under that loss's number. The old source is not disposed: calls still hold its token, and a cancelled source
    /// holds nothing.
    /// </summary>
    public void Lost(IReadOnlyCollection<Uri> gateways)
    {
        var lostAt = time.GetTimestamp();
        _ = Task.Delay(ListApplied, time).ContinueWith(
            _ =>
            {
                CancellationTokenSource old;
                lock (gate)
                {
                    var told = ++count;
                    foreach (var gateway in gateways)
                    {
                        if (!(servingSince.TryGetValue(gateway, out var since) && since > lostAt))
                        {
                            stillOut[gateway] = (told, lostAt);
                        }
                    }

                    old = current;
                    current = new CancellationTokenSource();
                }

                old.Cancel();
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>
    /// The client sends new calls through exactly <paramref name="gateways"/> now: those of them that were lost are no
    /// longer out.
    /// </summary>
    public void Serving(IReadOnlyCollection<Uri> gateways)
    {
        var now = time.GetTimestamp();
        lock (gate)
        {
            foreach (var gateway in gateways)
            {
                stillOut.Remove(gateway);
                servingSince.TryAdd(gateway, now);
            }

            if (servingSince.Count > gateways.Count)
            {
                foreach (var gone in servingSince.Keys.Where(g => !gateways.Contains(g)).ToList())
                {
                    servingSince.Remove(gone);
                }
            }

            Forget();
        }
    }

    /// <summary>
    /// True while a gateway lost after loss number <paramref name="told"/> (a call sent when <see cref="Count"/> was that) is
    /// still out: left out of the list (its connection closed), or masked because its silo is still silent.
    /// </summary>
    public bool OutSince(int told)
    {
        lock (gate)
        {
            Forget();
            return stillOut.Values.Any(o => o.Told > told);
        }
    }

    // Under the lock: the gateways lost longer ago than any call waits.
    private void Forget()
    {
        if (stillOut.Count == 0)
        {
            return;
        }

        foreach (var forgotten in stillOut.Where(o => time.GetElapsedTime(o.Value.At) > RememberedFor).Select(o => o.Key).ToList())
        {
            stillOut.Remove(forgotten);
        }
    }
}
