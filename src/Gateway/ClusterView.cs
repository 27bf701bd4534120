using Autopilot.Contracts;

namespace Autopilot.Gateway;

/// <summary>
/// The answer of <c>GET /cluster</c>: the silos as the cluster's membership view holds them, which gateway answered, and
/// whether Consul answers this gateway (<c>reachable</c>, <c>unreachable: ...</c>, or <c>not used</c> in the embedded mode).
/// </summary>
public sealed record ClusterView(string Gateway, string ClusterId, string Consul, IReadOnlyList<SiloSummary> Silos);
