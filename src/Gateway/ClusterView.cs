namespace Autopilot.Gateway;

/// <summary>The answer of <c>GET /cluster</c>: the silos as the membership table lists them, and which gateway answered.</summary>
public sealed record ClusterView(string Gateway, string ClusterId, IReadOnlyList<SiloView> Silos);
