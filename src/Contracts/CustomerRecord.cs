namespace Autopilot.Contracts;

/// <summary>
/// A row of the Customers table. <c>Source</c> is the silo that served it: for one record, the silo that hosts the customer;
/// in a page read from storage, the silo that read it there. <c>RepSource</c> is the one that confirmed the rep (the rep's
/// host, or the silo that read both ends from storage). A <c>Rep</c> with no <c>RepSource</c> is unconfirmed: the customer's record names it, and the rep's silo did not
/// answer in time (a fault there does not stall this read).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CustomerRecord(
    [property: Id(0)] string Company,
    [property: Id(1)] string Location,
    [property: Id(2)] string? Rep,
    [property: Id(3)] string Source,
    [property: Id(4)] string? RepSource);
