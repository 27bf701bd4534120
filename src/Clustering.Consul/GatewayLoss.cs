using Autopilot.Hosting;

namespace Autopilot.Clustering.Consul;

/// <summary>
/// Tells a client's grain calls that its gateway list has just left out a gateway it was sending through
/// (<see cref="ConsulGatewayListProvider"/>: a silo cut off from its peers, silent to this client, or declared dead; not one
/// that stops, which drains its calls). Orleans' client sends
/// each grain's calls through one gateway, chosen by the grain's hash, and when the list leaves that gateway out it closes
/// the connection but keeps the calls already sent through it waiting for answers that cannot come: until their own
/// timeouts, 10 s for a write (<see cref="Deadlines.GatewayCall"/>), keys whose grains live on healthy silos included
/// (issue 19: the slowest calls of the silo-cut and the pause were writes sent in the fault's first second). Orleans offers
/// no public way to fail the calls of one connection, nor to tell which connection a call went through; so a caller holds
/// <see cref="Token"/> from when it sends, and a call still waiting <see cref="Deadlines.LostGatewayGrace"/> after it is
/// cancelled is given up (the gateway's <c>LostGatewayCalls</c>): a read is sent again, through another gateway; a
/// write answers that its outcome is unknown, as its timeout would have, seconds sooner.
/// </summary>
public sealed class GatewayLoss(TimeProvider time)
{
    private CancellationTokenSource current = new();

    /// <summary>
    /// How long after the list left a gateway out the calls are told: Orleans takes the list the moment the provider returns
    /// it, and a read sent again before that could go through the lost gateway once more.
    /// </summary>
    public static readonly TimeSpan ListApplied = TimeSpan.FromMilliseconds(100);

    /// <summary>Cancelled when a gateway that this client was sending through leaves its list; a new one follows.</summary>
    public CancellationToken Token => Volatile.Read(ref current).Token;

    /// <summary>How many times a gateway in use has been lost (for logs and tests).</summary>
    public int Count => Volatile.Read(ref count);

    private int count;

    /// <summary>
    /// The list has just left out a gateway that was in the list before: after <see cref="ListApplied"/>, the calls sent
    /// until then are told. The old source is not disposed: calls still hold its token, and a cancelled source holds nothing.
    /// </summary>
    public void Lost() => _ = Task.Delay(ListApplied, time).ContinueWith(
        _ =>
        {
            var old = Interlocked.Exchange(ref current, new CancellationTokenSource());
            Interlocked.Increment(ref count);
            old.Cancel();
        },
        CancellationToken.None,
        TaskContinuationOptions.ExecuteSynchronously,
        TaskScheduler.Default);
}
