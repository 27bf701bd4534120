namespace Autopilot.Grains;

[GenerateSerializer]
public sealed class CatalogState
{
    /// <summary>Kept sorted (ordinal) so that adding is a binary search and listing a copy.</summary>
    [Id(0)] public List<string> Names { get; set; } = [];
}
