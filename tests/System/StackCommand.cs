using Autopilot.Stack.Model;
using Autopilot.Testing;

namespace Autopilot.SystemTests;

/// <summary>
/// Drives <c>./autopilot</c> as a user would, with a run folder and ports of its own so that it never meets a
/// stack the user runs. Whatever a test leaves up, <see cref="DisposeAsync"/> takes down.
/// </summary>
internal sealed class StackCommand : IAsyncDisposable
{
    private readonly PortSpan span;

    public StackCommand()
    {
        Run = Path.Combine(Path.GetTempPath(), "autopilot-tests", $"stack-{Guid.NewGuid():N}");
        // The whole port map (B..B+499), reserved against every other test process.
        span = TestPorts.Span(500);
        BasePort = span.First;
        EdgePort = TestPorts.Next();
        Ports = new StackPorts(BasePort, EdgePort);
    }

    public string Run { get; }

    public int BasePort { get; }

    public int EdgePort { get; }

    /// <summary>The stack's port map, from the model the command line itself reads.</summary>
    public StackPorts Ports { get; }

    public Uri ConsulAddress => Ports.ConsulUrl;

    public int SiloPort(int i) => Ports.SiloPort(i);

    public int GatewayPort(int j) => Ports.GatewayHttp(j);

    /// <summary>The pid of a process of the stack (silo-1, gateway-2, redis, ...), or of its supervisor.</summary>
    public int Pid(string name, bool supervisor = false) =>
        int.Parse(File.ReadAllText(Path.Combine(Run, "pids", $"{name}.{(supervisor ? "supervisor" : "pid")}")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    public string[] UpArguments(int silos, int gateways) =>
        ["up", "--silos", $"{silos}", "--gateways", $"{gateways}", "--port", $"{EdgePort}", "--base-port", $"{BasePort}"];

    /// <summary>Runs one verb to its end; fails the test with what it printed if it exits non-zero.</summary>
    public Task<string> Invoke(TimeSpan timeout, params string[] arguments) =>
        Command.Run(Path.Combine(Repo.Root, "autopilot"), arguments, timeout, new Dictionary<string, string> { ["AUTOPILOT_RUN"] = Run });

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Directory.Exists(Path.Combine(Run, "pids")))
            {
                await Invoke(TimeSpan.FromMinutes(3), "down");
            }
        }
        finally
        {
            span.Dispose();
        }
    }
}
