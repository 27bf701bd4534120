using System.Threading.Channels;

namespace Autopilot.Edge;

/// <summary>The sets of gateways the watcher publishes and the applier puts into service, oldest first.</summary>
public sealed class UpstreamChanges
{
    private readonly Channel<IReadOnlyList<GatewayEndpoint>> channel = Channel.CreateUnbounded<IReadOnlyList<GatewayEndpoint>>(new() { SingleReader = true });

    public ChannelReader<IReadOnlyList<GatewayEndpoint>> Reader => channel.Reader;

    public void Publish(IReadOnlyList<GatewayEndpoint> gateways) => channel.Writer.TryWrite(gateways);
}
