using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Autopilot.Bench;

/// <summary>One bounded wrk run (Debian's wrk): requests per second, p50 and p99 latency, and the errors it counted.</summary>
public sealed partial record Wrk(double RequestsPerSecond, double P50Milliseconds, double P99Milliseconds, int Errors)
{
    public static async Task<Wrk> RunAsync(string url, int connections, TimeSpan duration)
    {
        var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-t2", $"-c{connections}", $"-d{(int)duration.TotalSeconds}s", "--latency", "--timeout", "5s", url })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk failed: {await process.StandardError.ReadToEndAsync()}");
        }

        var rps = double.Parse(Rps().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var p50 = P50().Match(output);
        var p99 = P99().Match(output);
        var errors = Non2xx().Match(output) is { Success: true } non2xx ? int.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        foreach (Match socket in SocketErrors().Matches(output))
        {
            errors += int.Parse(socket.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        return new Wrk(rps, Milliseconds(p50), Milliseconds(p99), errors);
    }

    private static double Milliseconds(Match latency)
    {
        var value = double.Parse(latency.Groups[1].Value, CultureInfo.InvariantCulture);
        return latency.Groups[2].Value switch
        {
            "us" => value / 1000,
            "ms" => value,
            "s" => value * 1000,
            var unit => throw new FormatException($"wrk latency unit '{unit}'"),
        };
    }

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex Rps();

    [GeneratedRegex(@"\s50%\s+([0-9.]+)(us|ms|s)")]
    private static partial Regex P50();

    [GeneratedRegex(@"\s99%\s+([0-9.]+)(us|ms|s)")]
    private static partial Regex P99();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex Non2xx();

    [GeneratedRegex(@"(?:connect|read|write|timeout) (\d+)")]
    private static partial Regex SocketErrors();
}
