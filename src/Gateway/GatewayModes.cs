namespace Autopilot.Gateway;

/// <summary>How this gateway finds the cluster, as its ready line says, and whether it has a Consul to report on.</summary>
public sealed record GatewayModes(string Clustering, bool UsesConsul);
