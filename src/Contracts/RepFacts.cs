namespace Autopilot.Contracts;

/// <summary>A rep as the Customers side sees it: whether it exists and which client it claims.</summary>
[GenerateSerializer, Immutable]
public sealed record RepFacts(
    [property: Id(0)] bool Exists,
    [property: Id(1)] string? Client,
    [property: Id(2)] string Source);
