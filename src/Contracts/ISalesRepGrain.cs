using Orleans.Concurrency;

namespace Autopilot.Contracts;

/// <summary>
/// A sales rep of the workshop's Sales service, keyed by the rep's name. The rep owns its phone and
/// which client it serves; the client's territory comes from the Customers side.
/// </summary>
public interface ISalesRepGrain : IGrainWithStringKey
{
    /// <summary>
    /// The joined row: phone and client from here, the territory from the client; null if the rep does not exist.
    /// Read-only, so concurrent reads of one rep run side by side; interleaved with its writes too, and it reads only what
    /// storage confirmed (<c>CommittedState</c>), so a write waiting on a sick silo or on Redis does not hold its reads;
    /// bounded, so a caller may retry it elsewhere.
    /// </summary>
    [AlwaysInterleave, ReadOnly, ResponseTimeout(Reads.Timeout)]
    Task<SalesRepRecord?> Get(CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates or updates the rep. Taking a client moves it away from the rep that served it before.
    /// Everything is stored before this returns. An unknown client changes nothing. The token lets the caller stop waiting
    /// (a gateway lost under the call); the write itself runs to its end, whatever the token says. Writes of one rep take
    /// turns; interleaved, so that a write whose new client has not answered within the link's bound gives way (a
    /// <see cref="TimeoutException"/>, outcome unknown) to a later write of the rep that waits for its turn, and one that
    /// has stored its claim stops waiting for its old client's release then (it answers as stored).
    /// </summary>
    [AlwaysInterleave]
    Task<SalesRepPutResult> Put(string phone, string? client, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="Put"/> under a conditional PUT's preconditions, checked in this write's turn against the record as
    /// <see cref="Get"/> would answer it then. When they fail, nothing is stored (<see cref="PreconditionFailedException"/>),
    /// unless the record already has this phone and client: that answers as stored, since the change is in effect (RFC
    /// 9110 §13.1.1). A method of its own, so that a gateway of the version before keeps working through a rolling update.
    /// </summary>
    [AlwaysInterleave]
    Task<SalesRepPutResult> PutIf(string phone, string? client, WritePrecondition precondition, CancellationToken cancellationToken = default);

    /// <summary>What the Customers side reads of a rep. Never calls out, so it may interleave with other calls.</summary>
    [AlwaysInterleave, ReadOnly, ResponseTimeout(Reads.Timeout)]
    Task<RepFacts> Facts();

    /// <summary>Told by the rep that took <paramref name="client"/> over; drops the stale claim once the client confirms it.</summary>
    [OneWay]
    Task ClientTaken(string client);
}
