namespace Autopilot.Silo;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Silo {Name} ready: cluster {ClusterId}, silo {SiloEndpoint}, gateway {GatewayEndpoint}, health {Urls}, clustering {Clustering}, storage {Storage}")]
    public static partial void Ready(ILogger logger, string name, string clusterId, string siloEndpoint, string gatewayEndpoint, string urls, string clustering, string storage);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Seeded the workshop's customers and sales reps")]
    public static partial void Seeded(ILogger logger);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Silo {Name} stopping: leaving the cluster and handing its grains over")]
    public static partial void Stopping(ILogger logger, string name);
}
