namespace Autopilot.Grains;

[GenerateSerializer]
public sealed class CustomerState
{
    [Id(0)] public string Location { get; set; } = "";

    /// <summary>The rep that last took this customer; a link counts only while that rep still claims the customer.</summary>
    [Id(1)] public string? Rep { get; set; }
}
