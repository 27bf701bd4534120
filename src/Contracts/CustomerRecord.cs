namespace Autopilot.Contracts;

/// <summary>A row of the Customers table. <c>Source</c> is the silo that hosts the customer, <c>RepSource</c> the one that confirmed the rep.</summary>
[GenerateSerializer, Immutable]
public sealed record CustomerRecord(
    [property: Id(0)] string Company,
    [property: Id(1)] string Location,
    [property: Id(2)] string? Rep,
    [property: Id(3)] string Source,
    [property: Id(4)] string? RepSource);
