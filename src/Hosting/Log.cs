namespace Autopilot.Hosting;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Role} {Name} ready: {Details}; http {Urls}")]
    public static partial void Ready(ILogger logger, string role, string name, string details, string urls);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "{Role} {Name} stopping: {What}")]
    public static partial void Stopping(ILogger logger, string role, string name, string what);
}
