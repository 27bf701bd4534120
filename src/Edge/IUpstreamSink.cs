namespace Autopilot.Edge;

/// <summary>What puts a set of gateways into service: nginx's rendered upstream, or YARP's in-memory configuration.</summary>
public interface IUpstreamSink
{
    string Name { get; }

    /// <summary>Makes <paramref name="gateways"/> the upstream; returns false, keeping the previous one, if that cannot be done.</summary>
    Task<bool> ApplyAsync(IReadOnlyList<GatewayEndpoint> gateways, CancellationToken cancellationToken);
}
