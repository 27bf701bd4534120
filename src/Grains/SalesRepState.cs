namespace Autopilot.Grains;

[GenerateSerializer]
public sealed class SalesRepState
{
    [Id(0)] public string Phone { get; set; } = "";

    [Id(1)] public string? Client { get; set; }
}
