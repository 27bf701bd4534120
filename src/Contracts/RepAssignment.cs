namespace Autopilot.Contracts;

/// <summary>
/// The answer of a customer asked to take a rep: unknown customers take none. <see cref="Assignment"/> names this
/// assignment, for the release that ends it (<see cref="ICustomerGrain.ReleaseAssignment"/>); null from a silo that
/// predates it.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RepAssignment(
    [property: Id(0)] bool CustomerExists,
    [property: Id(1)] string? PreviousRep,
    [property: Id(2)] string? Assignment = null);
