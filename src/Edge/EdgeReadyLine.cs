using Autopilot.Consul.Client;
using Autopilot.Hosting;

namespace Autopilot.Edge;

/// <summary>The edge's ready line: the front door, what serves it, and the Consul service it follows.</summary>
public sealed class EdgeReadyLine(EdgeOptions options, IUpstreamSink sink, ConsulClient consul) : IReadyLine
{
    public string Name => InstanceName.For(HostRole.Edge.Name, options.ListenPort);

    public string Details => $"front door {options.Listen} by {sink.Name}, following Consul service '{options.Service}' at {consul.Address}";

    public string Stopping => $"deregistering, then stopping {sink.Name} gracefully";
}
