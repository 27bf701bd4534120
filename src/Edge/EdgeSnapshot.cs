namespace Autopilot.Edge;

/// <summary>The answer of <c>GET /upstreams</c> on the edge's own port.</summary>
public sealed record EdgeSnapshot(IReadOnlyList<string> Gateways, int Applies, bool ConsulReachable, string? LastRefusal);
