namespace Autopilot.Grains;

[GenerateSerializer]
public sealed record IndexBucketState
{
    /// <summary>Kept in <see cref="NameOrder"/>, so that adding is a binary search and a page is a range.</summary>
    [Id(0)] public List<string> Names { get; init; } = [];
}
