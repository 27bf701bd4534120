using System.Diagnostics;
using System.Globalization;

namespace Autopilot.Testing;

/// <summary>
/// The local stack's port map as <c>./autopilot ports</c> prints it, the one place the ports are written. The system
/// tests and the bench (which compiles this file in) read it from there instead of repeating the arithmetic.
/// </summary>
public sealed class StackPorts
{
    private readonly Dictionary<string, int> ports;

    private StackPorts(Dictionary<string, int> ports) => this.ports = ports;

    /// <summary>A named port (<c>edge</c>, <c>edge_status</c>, <c>consul_http</c>, <c>redis</c>, <c>prometheus</c>, ...).</summary>
    public int this[string name] =>
        ports.TryGetValue(name, out var port) ? port : throw new KeyNotFoundException($"./autopilot ports does not print '{name}'");

    public int SiloPort(int i) => this["silo_port"] + i;

    public int SiloHttp(int i) => this["silo_http"] + i;

    public int GatewayHttp(int j) => this["gateway_http"] + j;

    public Uri Url(string name) => new($"http://127.0.0.1:{this[name]}");

    /// <summary>Runs <c>./autopilot ports</c> from the repository at <paramref name="root"/>.</summary>
    public static StackPorts Read(string root, int basePort, int edgePort)
    {
        var start = new ProcessStartInfo(Path.Combine(root, "autopilot")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "ports", "--base-port", $"{basePort}", "--port", $"{edgePort}" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("./autopilot did not start");
        var error = process.StandardError.ReadToEndAsync();
        var lines = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"./autopilot ports exited {process.ExitCode}: {error.Result}");
        }

        // "name=port", or "name=base+i" for the per-instance ports (their base is kept).
        return new StackPorts(lines.Select(line => line.Split('=', 2)).ToDictionary(
            pair => pair[0], pair => int.Parse(pair[1].Split('+')[0], CultureInfo.InvariantCulture)));
    }
}
