namespace Autopilot.Edge;

/// <summary>One target group of Prometheus' HTTP service discovery: where to scrape, and the labels to give it.</summary>
public sealed record ScrapeTargetGroup(IReadOnlyList<string> Targets, IReadOnlyDictionary<string, string> Labels);
