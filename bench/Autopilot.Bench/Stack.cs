using System.Diagnostics;
using System.Globalization;
using Autopilot.Stack.Model;

namespace Autopilot.Bench;

/// <summary>
/// A local stack of the benchmark's own (run folder bench/results/<paramref name="name"/>, its own ports), driven through
/// ./autopilot; with <paramref name="orleansTls"/> false its silos and gateways speak Orleans without TLS (AUTOPILOT_ORLEANS_TLS=off).
/// </summary>
public sealed class Stack(string root, int basePort, int edgePort, string name = "run", bool orleansTls = true)
{
    /// <summary>
    /// Configuration the next <c>up</c> gives every process it starts, as environment variables (<c>Api__ETags=false</c>):
    /// the processes' supervisors inherit the command's environment.
    /// </summary>
    public Dictionary<string, string> Settings { get; } = [];

    public string Run { get; } = Path.Combine(root, "bench", "results", name);

    /// <summary>The port map, from the model the command line itself reads.</summary>
    public StackPorts Ports { get; } = new(basePort, edgePort);

    public string[] UpArguments(int silos, int gateways) =>
        ["up", "--silos", $"{silos}", "--gateways", $"{gateways}", "--port", $"{edgePort}", "--base-port", $"{basePort}"];

    public Uri Front => Ports.EdgeUrl;

    public Uri EdgeStatus => Ports.EdgeStatusUrl;

    public Uri Gateway(int j) => StackPorts.Loopback(Ports.GatewayHttp(j));

    public Uri SiloHttp(int i) => StackPorts.Loopback(Ports.SiloHttp(i));

    public Task<string> Invoke(params string[] arguments) => Programs.RunAsync(StartInfo(arguments), $"./autopilot {string.Join(' ', arguments)}");

    /// <summary>Starts a verb without waiting for it, for timing what it sets off.</summary>
    public Process Start(params string[] arguments)
    {
        var start = StartInfo(arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        return Process.Start(start) ?? throw new InvalidOperationException("./autopilot did not start");
    }

    private ProcessStartInfo StartInfo(string[] arguments)
    {
        var start = Programs.Start(Path.Combine(root, "autopilot"), arguments);
        start.WorkingDirectory = root;
        start.Environment["AUTOPILOT_RUN"] = Run;
        if (!orleansTls)
        {
            start.Environment["AUTOPILOT_ORLEANS_TLS"] = "off";
        }
        // The bench loads the front door from one address: it sets its own per-client limits, far above the default.
        start.Environment["Edge__RatePerClient"] = "1000000";
        start.Environment["Edge__BurstPerClient"] = "1000000";
        start.Environment["Edge__ConnectionsPerClient"] = "65535";
        foreach (var (key, value) in Settings)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    /// <summary>The pid of a process of the stack (silo-1, gateway-2, redis, ...), or of its supervisor.</summary>
    public int Pid(string name, bool supervisor = false) =>
        int.Parse(File.ReadAllText(Path.Combine(Run, "pids", $"{name}.{(supervisor ? "supervisor" : "pid")}")).Trim(), CultureInfo.InvariantCulture);

    /// <summary>Resident set size in MB, from /proc.</summary>
    public double RssMegabytes(string name) => StatusMegabytes(name, "VmRSS:");

    /// <summary>
    /// The resident memory that is the process's own (anonymous: its heaps, JIT-compiled code, stacks), in MB. The rest of
    /// the resident size is mapped files, the runtime's and the framework's, which every .NET process on the machine shares.
    /// </summary>
    public double PrivateMegabytes(string name) => StatusMegabytes(name, "RssAnon:");

    private double StatusMegabytes(string name, string field)
    {
        var line = File.ReadLines($"/proc/{Pid(name)}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
