namespace Autopilot.Contracts;

/// <summary>
/// A row of the Sales table. <c>Source</c> is the silo that served it: for one record, the silo that hosts the rep; in a
/// page read from storage, the silo that read it there. <c>TerritorySource</c> is the one that gave the territory (the
/// client's host, or the silo that read both ends from storage). A <c>Client</c> with no <c>TerritorySource</c> is unconfirmed: the rep's record names it, and the client's silo
/// did not answer in time (a fault there does not stall this read).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SalesRepRecord(
    [property: Id(0)] string Rep,
    [property: Id(1)] string Phone,
    [property: Id(2)] string? Client,
    [property: Id(3)] string? Territory,
    [property: Id(4)] string Source,
    [property: Id(5)] string? TerritorySource);
