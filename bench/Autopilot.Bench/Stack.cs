using System.Diagnostics;
using System.Globalization;
using Autopilot.Testing;

namespace Autopilot.Bench;

/// <summary>A local stack of the benchmark's own (run folder bench/results/run, its own ports), driven through ./autopilot.</summary>
public sealed class Stack(string root, int basePort, int edgePort)
{
    public string Run { get; } = Path.Combine(root, "bench", "results", "run");

    /// <summary>The port map, as <c>./autopilot ports</c> prints it.</summary>
    public StackPorts Ports { get; } = StackPorts.Read(root, basePort, edgePort);

    public string[] UpArguments(int silos, int gateways) =>
        ["up", "--silos", $"{silos}", "--gateways", $"{gateways}", "--port", $"{edgePort}", "--base-port", $"{basePort}"];

    public Uri Front => Ports.Url("edge");

    public Uri EdgeStatus => Ports.Url("edge_status");

    public Uri Gateway(int j) => new($"http://127.0.0.1:{Ports.GatewayHttp(j)}");

    public Uri SiloHttp(int i) => new($"http://127.0.0.1:{Ports.SiloHttp(i)}");

    public async Task<string> Invoke(params string[] arguments)
    {
        using var process = Start(arguments);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"./autopilot {string.Join(' ', arguments)} failed: {error}");
        }

        return await output;
    }

    /// <summary>Starts a verb without waiting for it, for timing what it sets off.</summary>
    public Process Start(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(root, "autopilot")) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        start.Environment["AUTOPILOT_RUN"] = Run;
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("./autopilot did not start");
    }

    /// <summary>The pid of a process of the stack (silo-1, gateway-2, redis, ...), or of its supervisor.</summary>
    public int Pid(string name, bool supervisor = false) =>
        int.Parse(File.ReadAllText(Path.Combine(Run, "pids", $"{name}.{(supervisor ? "supervisor" : "pid")}")).Trim(), CultureInfo.InvariantCulture);

    /// <summary>Resident set size in MB, from /proc.</summary>
    public double RssMegabytes(string name)
    {
        var line = File.ReadLines($"/proc/{Pid(name)}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
