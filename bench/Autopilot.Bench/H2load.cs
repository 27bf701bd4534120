using System.Globalization;

namespace Autopilot.Bench;

/// <summary>
/// One run of h2load (Debian's nghttp2-client) at a fixed offered rate over HTTP/1.1, with each request's latency from its
/// <c>--log-file</c>. The rate is spread over <see cref="ClientsFor"/> connections at an equal rate each, and the connections
/// are opened one interval's share apart (<c>-r</c>, <c>--rate-period</c>), so that their requests do not leave in step.
/// A connection waits for its answer before it sends the next request (h2load is not corrected for coordinated
/// omission): a request is late only when its connection's previous answer took longer than the interval between its
/// requests (50 ms at 1,000 req/s, 20 ms at 3,000). The achieved rate is reported beside the offered one for that reason.
/// </summary>
public sealed record H2load(int OfferedPerSecond, double AchievedPerSecond, IReadOnlyList<double> LatenciesMilliseconds, long Non2xx, long Missing)
{
    /// <summary>Connections per run; each offers <c>rate / Clients</c> requests a second.</summary>
    public static int ClientsFor(int rate) => rate <= 1000 ? 50 : 60;

    public static async Task<H2load> RunAsync(string url, int rate, TimeSpan duration, string folder)
    {
        var clients = ClientsFor(rate);
        var perClient = rate / clients;
        var interval = TimeSpan.FromSeconds(1.0 / perClient);
        // Two connections at a time (one per h2load thread), spaced so that all of them open within about one interval.
        var period = Math.Max(1, (int)(interval.TotalMilliseconds * 2 / clients));
        var requests = (int)(rate * duration.TotalSeconds);
        var log = Path.Combine(folder, $"h2load-{rate}-{Guid.NewGuid():N}.log");
        await Programs.RunAsync(Programs.Start("h2load", ["--h1", "-t2", $"-c{clients}", $"-n{requests}", $"--rps={perClient}", "-r2", $"--rate-period={period}ms",
            $"--log-file={log}", url]), "h2load");
        var latencies = new List<double>(requests);
        long non2xx = 0;
        double first = double.MaxValue, last = double.MinValue;
        foreach (var line in File.ReadLines(log))
        {
            // start (microseconds since the epoch) \t status \t microseconds to the end of the answer
            var columns = line.Split('\t');
            var start = double.Parse(columns[0], CultureInfo.InvariantCulture);
            (first, last) = (Math.Min(first, start), Math.Max(last, start));
            var status = int.Parse(columns[1], CultureInfo.InvariantCulture);
            if (status is < 200 or > 299)
            {
                non2xx++;
            }

            latencies.Add(double.Parse(columns[2], CultureInfo.InvariantCulture) / 1000);
        }

        File.Delete(log);
        // Requests sent per second, from the first send to the last.
        var achieved = latencies.Count > 1 ? (latencies.Count - 1) / ((last - first) / 1e6) : 0;
        return new H2load(rate, achieved, latencies, non2xx, requests - latencies.Count);
    }

    /// <summary>The latency at quantile <paramref name="q"/> (0..1) of this run's requests.</summary>
    public double Quantile(double q)
    {
        var sorted = LatenciesMilliseconds.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
    }
}
