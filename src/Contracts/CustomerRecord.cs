namespace Autopilot.Contracts;

/// <summary>
/// A row of the Customers table. <c>Source</c> is the silo that hosts the customer, <c>RepSource</c> the one that confirmed
/// the rep. A <c>Rep</c> with no <c>RepSource</c> is unconfirmed: the customer's record names it, and the rep's silo did not
/// answer in time (a fault there does not stall this read).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CustomerRecord(
    [property: Id(0)] string Company,
    [property: Id(1)] string Location,
    [property: Id(2)] string? Rep,
    [property: Id(3)] string Source,
    [property: Id(4)] string? RepSource);
