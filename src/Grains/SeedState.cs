namespace Autopilot.Grains;

[GenerateSerializer]
public sealed record SeedState
{
    [Id(0)] public bool Seeded { get; init; }
}
