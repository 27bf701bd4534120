namespace Autopilot.Contracts;

/// <summary>The answer of a customer asked to take a rep: unknown customers take none.</summary>
[GenerateSerializer, Immutable]
public sealed record RepAssignment(
    [property: Id(0)] bool CustomerExists,
    [property: Id(1)] string? PreviousRep);
