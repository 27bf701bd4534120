namespace Autopilot.Edge.Tests;

/// <summary>What a burst of requests through the front door met: the gateways that answered, and the failures.</summary>
internal sealed record Reach(SortedSet<string> Names, List<string> Failures)
{
    public bool Only(params FakeGateway[] gateways) => Failures.Count == 0 && Names.SetEquals(gateways.Select(g => g.Name));

    public override string ToString() => $"reached [{string.Join(", ", Names)}], {Failures.Count} failure(s) {string.Join("; ", Failures.Take(3))}";
}
