namespace Autopilot.Edge;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Edge ready: front door {Listen} by {Mode}, following Consul service '{Service}' at {Consul}; status on {Urls}")]
    public static partial void Ready(ILogger logger, string listen, string mode, string service, string consul, string urls);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Edge stopping: deregistering, then stopping {Mode} gracefully")]
    public static partial void Stopping(ILogger logger, string mode);
}
