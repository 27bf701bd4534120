namespace Autopilot.Silo;

internal static partial class Log
{
    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Seeded the workshop's customers and sales reps")]
    public static partial void Seeded(ILogger logger);
}
