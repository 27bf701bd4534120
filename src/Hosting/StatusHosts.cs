namespace Autopilot.Hosting;

/// <summary>
/// Where a host's own endpoints (health, <c>/metrics</c>) answer when it also serves traffic that is not its own on other
/// ports (the edge's YARP front door): host patterns such as <c>*:8070</c>. Registered only by such hosts.
/// </summary>
public sealed record StatusHosts(IReadOnlyList<string> Hosts);
