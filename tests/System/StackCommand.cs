using Autopilot.Stack.Model;
using Autopilot.Stack.Processes;
using Autopilot.Testing;

namespace Autopilot.SystemTests;

/// <summary>
/// Drives <c>./autopilot</c> as a user would, with a run folder and ports of its own so that it never meets a
/// stack the user runs. Whatever a test leaves up, <see cref="DisposeAsync"/> takes down.
/// </summary>
public sealed class StackCommand : IAsyncDisposable
{
    private readonly PortSpan span;
    private readonly bool publish;

    /// <param name="publish">
    /// Whether <c>up</c> publishes the hosts into the stack's run folder, as for a user; otherwise it runs them from the
    /// solution's Release build, which <c>./autopilot test</c> has just made (the stories that are not about the build).
    /// </param>
    public StackCommand(bool publish = true)
    {
        this.publish = publish;
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

    /// <summary>A client of the stack's Consul with its management token (Consul runs with ACLs, default deny).</summary>
    public HttpClient ConsulClient() =>
        new(new ManagementToken(new RunFolder(Run).Secret(StackTopology.ConsulTokenSecret("master"))))
        {
            BaseAddress = ConsulAddress,
            Timeout = TimeSpan.FromSeconds(5),
        };

    /// <summary>A secret of the stack's run folder (a token, a password), as its processes read it.</summary>
    public string Secret(string name) => File.ReadAllText(new RunFolder(Run).Secret(name)).Trim();

    public int SiloPort(int i) => Ports.SiloPort(i);

    public int GatewayPort(int j) => Ports.GatewayHttp(j);

    /// <summary>The silos or gateways (<paramref name="kind"/>) this stack has started and not stopped, as its run folder knows them.</summary>
    public IReadOnlyList<string> Running(string kind) => Processes.Names(Enum.Parse<PartKind>(kind, ignoreCase: true));

    /// <summary>The pid of a process of the stack (silo-1, gateway-2, redis, ...), or of its supervisor.</summary>
    public int Pid(string name, bool supervisor = false) =>
        (supervisor ? Processes.SupervisorPid(name) : Processes.Pid(name))
        ?? throw new InvalidOperationException($"{Run} holds no {(supervisor ? "supervisor" : "process")} pid of {name}");

    private PartProcesses Processes => new(new RunFolder(Run));

    public string[] UpArguments(int silos, int gateways) =>
        ["up", "--silos", $"{silos}", "--gateways", $"{gateways}", "--port", $"{EdgePort}", "--base-port", $"{BasePort}"];

    /// <summary>Runs one verb to its end; fails the test with what it printed if it exits non-zero.</summary>
    public Task<string> Invoke(TimeSpan timeout, params string[] arguments) =>
        Command.Run(Path.Combine(Repo.Root, "autopilot"), arguments, timeout, Environment);

    // The stories load the front door from one address far past what one client may send by default (FrontDoorPolicyTests
    // holds the default to account): they set their own limits, which up hands to the edge through its environment.
    private Dictionary<string, string> Environment => new()
    {
        ["AUTOPILOT_RUN"] = Run,
        ["AUTOPILOT_HOSTS"] = publish ? "" : "build",
        ["Edge__RatePerClient"] = "100000",
        ["Edge__BurstPerClient"] = "100000",
        ["Edge__ConnectionsPerClient"] = "4096",
    };

    /// <summary>Starts a verb without waiting for it (the demo), its output kept in a log and a tail for failure messages.</summary>
    public ChildProcess Start(params string[] arguments) =>
        ChildProcess.Start($"autopilot-{arguments[0]}", Path.Combine(Repo.Root, "autopilot"), arguments, Hosts.LogDirectory, Environment);

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

    // The management token is made by the first up, after a story's client may be made: it is read at each request.
    private sealed class ManagementToken(string file) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (File.Exists(file))
            {
                request.Headers.Add("X-Consul-Token", File.ReadAllText(file).Trim());
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
