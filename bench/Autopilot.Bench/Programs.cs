using System.Diagnostics;

namespace Autopilot.Bench;

/// <summary>Runs the programs the bench drives (./autopilot, wrk, redis-cli) to their end.</summary>
internal static class Programs
{
    /// <summary>
    /// Runs <paramref name="start"/>, reading both outputs while it runs; returns what it printed on standard output, or
    /// throws with what it printed on standard error if it exits non-zero. <paramref name="what"/> names it in messages.
    /// </summary>
    public static async Task<string> RunAsync(ProcessStartInfo start, string what)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{what} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} failed: {await error}");
        }

        return await output;
    }

    /// <summary>A start for <paramref name="file"/> with <paramref name="arguments"/>, each passed as it is.</summary>
    public static ProcessStartInfo Start(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}
