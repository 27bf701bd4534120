using System.Diagnostics;
using System.Globalization;

namespace Autopilot.Bench;

/// <summary>A local stack of the benchmark's own (run folder bench/results/run, its own ports), driven through ./autopilot.</summary>
public sealed class Stack(string root, int basePort, int edgePort)
{
    public string Run { get; } = Path.Combine(root, "bench", "results", "run");

    public int BasePort => basePort;

    public Uri Front { get; } = new($"http://127.0.0.1:{edgePort}");

    public Uri EdgeStatus => new($"http://127.0.0.1:{basePort + 70}");

    public Uri Gateway(int j) => new($"http://127.0.0.1:{basePort + 4000 + j}");

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

    public int Pid(string name) => int.Parse(File.ReadAllText(Path.Combine(Run, "pids", $"{name}.pid")).Trim(), CultureInfo.InvariantCulture);

    /// <summary>Resident set size in MB, from /proc.</summary>
    public double RssMegabytes(string name)
    {
        var line = File.ReadLines($"/proc/{Pid(name)}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
