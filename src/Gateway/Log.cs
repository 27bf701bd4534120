namespace Autopilot.Gateway;

internal static partial class Log
{
    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Cannot reach the cluster yet (attempt {Attempt}: {Reason}); retrying")]
    public static partial void ConnectRetry(ILogger logger, int attempt, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "{Method} {Path} answered {Status}: {Reason}")]
    public static partial void RequestFailed(ILogger logger, string method, string path, int status, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "No silo answered within {Seconds} s of start-up; giving up: {Reason}")]
    public static partial void ConnectGaveUp(ILogger logger, double seconds, string reason);
}
