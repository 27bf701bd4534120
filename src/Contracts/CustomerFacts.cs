namespace Autopilot.Contracts;

/// <summary>A customer as the Sales side sees it: whether it exists, its location and the rep it has recorded.</summary>
[GenerateSerializer, Immutable]
public sealed record CustomerFacts(
    [property: Id(0)] bool Exists,
    [property: Id(1)] string? Location,
    [property: Id(2)] string? Rep,
    [property: Id(3)] string Source);
