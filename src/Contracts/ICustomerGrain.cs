using Orleans.Concurrency;

namespace Autopilot.Contracts;

/// <summary>
/// A customer company of the workshop's Customers service, keyed by company name.
/// The Customers side owns the location; which sales rep serves the company is the Sales side's truth.
/// </summary>
public interface ICustomerGrain : IGrainWithStringKey
{
    /// <summary>
    /// The joined row: location from here, the rep confirmed by the Sales side; null if the company does not exist.
    /// Read-only, so concurrent reads of one company run side by side; interleaved with its writes too, and it reads only what
    /// storage confirmed (<c>CommittedState</c>), so a write waiting on a sick silo or on Redis does not hold its reads;
    /// bounded, so a caller may retry it elsewhere.
    /// </summary>
    [AlwaysInterleave, ReadOnly, ResponseTimeout(Reads.Timeout)]
    Task<CustomerRecord?> Get(CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates the company or moves it; the new state is stored before this returns. The token lets the caller stop waiting
    /// (a gateway lost under the call); the write itself runs to its end, stored or not, whatever the token says.
    /// </summary>
    Task<CustomerRecord> Put(string location, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="Put"/> under a conditional PUT's preconditions, checked in this write's turn against the record as
    /// <see cref="Get"/> would answer it then. When they fail, nothing is stored (<see cref="PreconditionFailedException"/>),
    /// unless the record already has this location: that answers as stored, since the change is in effect (RFC 9110
    /// §13.1.1), as for a conditional PUT sent again after a 504. A method of its own, so that a gateway of the version
    /// before, which calls <see cref="Put"/>, keeps working through a rolling update.
    /// </summary>
    Task<CustomerRecord> PutIf(string location, WritePrecondition precondition, CancellationToken cancellationToken = default);

    /// <summary>What the Sales side reads of a customer. Never calls out, so it may interleave with other calls.</summary>
    [AlwaysInterleave, ReadOnly, ResponseTimeout(Reads.Timeout)]
    Task<CustomerFacts> Facts();

    /// <summary>
    /// Records <paramref name="rep"/> as the company's rep, under a new assignment, and returns the rep recorded before and
    /// the assignment; stored before it returns.
    /// </summary>
    Task<RepAssignment> AssignRep(string rep);

    /// <summary>Forgets <paramref name="rep"/> as the company's rep, if it still is the one recorded (for an assignment made before assignments were named).</summary>
    Task ReleaseRep(string rep);

    /// <summary>
    /// Forgets <paramref name="rep"/> as the company's rep if the recorded assignment is still <paramref name="assignment"/>:
    /// a release that arrives after the rep took the company again changes nothing.
    /// </summary>
    Task ReleaseAssignment(string rep, string assignment);
}
