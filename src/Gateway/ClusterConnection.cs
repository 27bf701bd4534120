namespace Autopilot.Gateway;

/// <summary>
/// How many silo gateways this process's cluster client is connected to, as the client reports it (its notifications may
/// arrive out of order, so the count is a hint: zero sends <see cref="ClusterReadyCheck"/> to ask the cluster itself).
/// </summary>
public sealed partial class ClusterConnection(ILogger<ClusterConnection> logger) : IClusterConnectionStatusObserver
{
    private int gateways;

    public int ConnectedGateways => Volatile.Read(ref gateways);

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        Volatile.Write(ref gateways, currentNumberOfGateways);
        LogGatewayCount(logger, currentNumberOfGateways, previousNumberOfGateways);
    }

    public void NotifyClusterConnectionLost()
    {
        Volatile.Write(ref gateways, 0);
        LogLost(logger);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to {Count} silo gateway(s) (was {Previous})")]
    private static partial void LogGatewayCount(ILogger logger, int count, int previous);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the connection to every silo gateway; not ready until one answers again")]
    private static partial void LogLost(ILogger logger);
}
