using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Autopilot.Testing;

/// <summary>
/// For the small web servers that tests start in their own process (stand-ins, hosts under test): only warnings and errors
/// reach the console, which is the test run's output. At Information, their request lines were 170,000 of a run's 178,000
/// lines (a stand-in gateway's PUTs, the health checks Consul asks every second), and hid everything else. Other logging
/// providers a test adds (<see cref="CollectingLoggerProvider"/>) still see every level.
/// </summary>
public static class QuietConsole
{
    public static ILoggingBuilder WarningsOnlyOnConsole(this ILoggingBuilder logging) =>
        logging.AddFilter<ConsoleLoggerProvider>(null, LogLevel.Warning);
}
