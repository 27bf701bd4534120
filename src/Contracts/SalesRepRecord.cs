namespace Autopilot.Contracts;

/// <summary>
/// A row of the Sales table. <c>Source</c> is the silo that hosts the rep, <c>TerritorySource</c> the one that gave the
/// territory. A <c>Client</c> with no <c>TerritorySource</c> is unconfirmed: the rep's record names it, and the client's silo
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
