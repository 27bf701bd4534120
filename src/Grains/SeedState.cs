namespace Autopilot.Grains;

[GenerateSerializer]
public sealed class SeedState
{
    [Id(0)] public bool Seeded { get; set; }
}
