namespace Autopilot.Gateway;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Gateway {Name} ready: http {Urls}, cluster {ClusterId}, clustering {Clustering}")]
    public static partial void Ready(ILogger logger, string name, string urls, string clusterId, string clustering);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Cannot reach the cluster yet ({Reason}); retrying")]
    public static partial void ConnectRetry(ILogger logger, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "{Method} {Path} answered {Status}: {Reason}")]
    public static partial void RequestFailed(ILogger logger, string method, string path, int status, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Silo {Silo} gave no statistics: {Reason}")]
    public static partial void StatisticsUnavailable(ILogger logger, string silo, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Gateway {Name} stopping: draining requests")]
    public static partial void Stopping(ILogger logger, string name);
}
