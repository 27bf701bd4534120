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
    /// The resident memory that is the process's own and anonymous (the GC's heap, the runtime's own, stacks), in MB. The
    /// resident size is this, <see cref="CodeMegabytes"/> and <see cref="FileMegabytes"/>.
    /// </summary>
    public double PrivateMegabytes(string name) => StatusMegabytes(name, "RssAnon:");

    /// <summary>
    /// Resident shared memory in MB: for a .NET host, the JIT's compiled code and the runtime's stubs, which it maps twice
    /// (writable and executable) through <c>memfd:doublemapper</c> (W^X).
    /// </summary>
    public double CodeMegabytes(string name) => StatusMegabytes(name, "RssShmem:");

    /// <summary>Resident mapped files in MB: the runtime, the framework's and the libraries' assemblies, which every .NET process on the machine shares.</summary>
    public double FileMegabytes(string name) => StatusMegabytes(name, "RssFile:");

    /// <summary>The stack's processes running now, by name (silo-1, gateway-2, redis, edge, ...), from its pid files.</summary>
    public Dictionary<string, int> Processes() =>
        Directory.EnumerateFiles(Path.Combine(Run, "pids"), "*.pid")
            .Select(file => (Name: Path.GetFileNameWithoutExtension(file), Pid: int.TryParse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture, out var pid) ? pid : 0))
            .Where(p => p.Pid > 0 && Directory.Exists($"/proc/{p.Pid}"))
            .ToDictionary(p => p.Name, p => p.Pid);

    private double StatusMegabytes(string name, string field)
    {
        var line = File.ReadLines($"/proc/{Pid(name)}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
