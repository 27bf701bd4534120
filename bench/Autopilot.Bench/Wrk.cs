using System.Globalization;
using System.Text.RegularExpressions;

namespace Autopilot.Bench;

/// <summary>
/// One bounded wrk run (Debian's wrk). Throughput counts 2xx answers only: wrk's own Requests/sec counts every
/// answer, so it is recomputed from the total minus the non-2xx ones. Anything else it saw (non-2xx answers, socket
/// errors) is kept, so that the figure built from the run can fail.
/// </summary>
public sealed partial record Wrk(double OkPerSecond, double P50Milliseconds, double P99Milliseconds, long Requests, long Non2xx, long SocketErrors, string SocketErrorKinds)
{
    /// <summary>When the run started and ended (local time, as the stack's logs write it).</summary>
    public (DateTime Start, DateTime End) Window { get; init; }

    public long Problems => Non2xx + SocketErrors;

    /// <summary>The CPU the watched processes and the machine spent while the run lasted, if any were watched.</summary>
    public CpuUse? Cpu { get; init; }

    /// <summary>Milliseconds of the watched processes' CPU per 2xx answer.</summary>
    public double CpuMillisecondsPerAnswer => Cpu is null || Requests - Non2xx <= 0 ? double.NaN : Cpu.Watched * 1000 / (Requests - Non2xx);

    /// <summary>Runs wrk against <paramref name="url"/>; <paramref name="script"/> is a wrk Lua script, for requests other than a plain GET.</summary>
    public static async Task<Wrk> RunAsync(string url, int connections, TimeSpan duration, string? script = null)
    {
        var arguments = new List<string> { "-t2", $"-c{connections}", $"-d{(int)duration.TotalSeconds}s", "--latency", "--timeout", "5s" };
        if (script is not null)
        {
            arguments.AddRange(["-s", script]);
        }

        arguments.Add(url);
        var started = DateTime.Now;
        var output = await Programs.RunAsync(Programs.Start("wrk", arguments), "wrk");
        var total = Total().Match(output);
        var requests = long.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture);
        var seconds = Seconds(total.Groups[2].Value, total.Groups[3].Value);
        var non2xx = Non2xxLine().Match(output) is { Success: true } line ? long.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        var errors = SocketErrorsLine().Match(output);
        var socket = errors.Success ? errors.Groups.Cast<Group>().Skip(1).Sum(g => long.Parse(g.Value, CultureInfo.InvariantCulture)) : 0;
        var kinds = errors.Success ? errors.Value : "";
        return new Wrk((requests - non2xx) / seconds, Milliseconds(P50().Match(output)), Milliseconds(P99().Match(output)), requests, non2xx, socket, kinds)
        {
            Window = (started, DateTime.Now),
        };
    }

    private static double Seconds(string value, string unit)
    {
        var number = double.Parse(value, CultureInfo.InvariantCulture);
        return unit switch
        {
            "ms" => number / 1000,
            "s" => number,
            "m" => number * 60,
            _ => throw new FormatException($"wrk duration unit '{unit}'"),
        };
    }

    private static double Milliseconds(Match latency)
    {
        if (!latency.Success)
        {
            return double.NaN;
        }

        var value = double.Parse(latency.Groups[1].Value, CultureInfo.InvariantCulture);
        return latency.Groups[2].Value switch
        {
            "us" => value / 1000,
            "ms" => value,
            "s" => value * 1000,
            var unit => throw new FormatException($"wrk latency unit '{unit}'"),
        };
    }

    [GeneratedRegex(@"(\d+) requests in ([0-9.]+)(ms|s|m),")]
    private static partial Regex Total();

    [GeneratedRegex(@"\s50%\s+([0-9.]+)(us|ms|s)")]
    private static partial Regex P50();

    [GeneratedRegex(@"\s99%\s+([0-9.]+)(us|ms|s)")]
    private static partial Regex P99();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex Non2xxLine();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrorsLine();
}
