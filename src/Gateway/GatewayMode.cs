namespace Autopilot.Gateway;

/// <summary>How this gateway finds the cluster, as its ready line tells it.</summary>
public sealed record GatewayMode(string Clustering);
