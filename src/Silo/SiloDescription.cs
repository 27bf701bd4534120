using System.Net;

namespace Autopilot.Silo;

/// <summary>What this silo is, as its ready line and health answers tell it.</summary>
public sealed record SiloDescription(
    string Name,
    string ClusterId,
    IPEndPoint SiloEndpoint,
    IPEndPoint GatewayEndpoint,
    string Clustering,
    string Storage);
