namespace Autopilot.Edge;

/// <summary>The answer of <c>GET /upstreams</c> on the edge's own port.</summary>
public sealed record EdgeSnapshot(IReadOnlyList<string> Gateways, int Applies, bool ConsulReachable, string? LastRefusal)
{
    /// <summary>What a test's failure message shows: the gateways themselves, not the list's type.</summary>
    public override string ToString() =>
        $"gateways [{string.Join(", ", Gateways)}], {Applies} apply(s), Consul {(ConsulReachable ? "reachable" : "unreachable")}"
        + (LastRefusal is null ? "" : $", last refusal: {LastRefusal}");
}
