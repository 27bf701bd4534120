using System.Globalization;
using Autopilot.Stack.Traffic;

namespace Autopilot.Bench.Scenarios;

/// <summary>
/// A third gateway comes and goes ten times (five starts each followed by SIGTERM, five followed by SIGKILL) while four
/// loops read through nginx (about 200 requests a second in all): how long the edge's upstream takes to follow, and
/// which requests failed, each named with the event it followed.
/// </summary>
internal static class UpstreamEvents
{
    public static async Task Run(Bench bench)
    {
        var stack = bench.Stack;
        var (failedCreates, _) = await bench.CreateCustomers(Enumerable.Range(1, 200));
        if (failedCreates > 0)
        {
            throw new InvalidOperationException($"{failedCreates} of the 200 customers the upstream scenario reads could not be created");
        }

        var paths = Enumerable.Range(1, 200).Select(Bench.CustomerPath).ToList();
        var loops = Enumerable.Range(0, 4).Select(_ => new RequestLoop(bench.Front, paths, pause: TimeSpan.FromMilliseconds(20))).ToList();
        var events = new List<(string What, TimeSpan[] At)>();
        void Mark(string what) => events.Add((what, [.. loops.Select(l => l.Now)]));
        var convergence = new List<double>();
        var killConvergence = new List<double>();
        var gateway3 = stack.Ports.GatewayHttp(3);
        try
        {
            Bench.Log("upstream convergence: gateway-3 started and stopped 5 times, started and killed 5 times");
            for (var trial = 0; trial < 10; trial++)
            {
                Mark("gateway-3 starting");
                using (var scaling = stack.Start("scale", "gateway=3"))
                {
                    await Poll.SecondsUntil(() => bench.Serves(new Uri(stack.Gateway(3), "/health/ready")), TimeSpan.FromMinutes(2), "gateway-3 ready");
                    Mark("gateway-3 ready");
                    var joined = await Poll.SecondsUntil(() => UpstreamHas(bench, gateway3), TimeSpan.FromSeconds(30), "gateway-3 in the upstream");
                    Mark("gateway-3 in nginx's upstream");
                    if (trial < 5)
                    {
                        convergence.Add(joined);
                    }

                    await scaling.WaitForExitAsync();
                }

                if (trial < 5)
                {
                    Mark("gateway-3 sent SIGTERM");
                    using var stopping = stack.Start("stop", "gateway", "3");
                    convergence.Add(await Poll.SecondsUntil(async () => !await UpstreamHas(bench, gateway3), TimeSpan.FromSeconds(30), "gateway-3 out of the upstream"));
                    Mark("gateway-3 out of nginx's upstream");
                    await stopping.WaitForExitAsync();
                    Mark("gateway-3 exited");
                }
                else
                {
                    Mark("gateway-3 sent SIGKILL");
                    await stack.Invoke("kill", "gateway", "3");
                    killConvergence.Add(await Poll.SecondsUntil(async () => !await UpstreamHas(bench, gateway3), TimeSpan.FromSeconds(30), "killed gateway-3 out of the upstream"));
                    Mark("gateway-3 out of nginx's upstream");
                }
            }
        }
        finally
        {
            foreach (var loop in loops)
            {
                await loop.DisposeAsync();
            }
        }

        // Each failure, with the last event before it on the same loop's clock.
        var failures = new List<string>();
        for (var k = 0; k < loops.Count; k++)
        {
            foreach (var (at, _, what) in loops[k].FailuresBetween(TimeSpan.Zero, TimeSpan.MaxValue))
            {
                var before = events.LastOrDefault(e => e.At[k] <= at);
                var after = before.What is null ? "before the first event" : $"{(at - before.At[k]).TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms after '{before.What}'";
                failures.Add($"{after}: {(what.Length > 400 ? what[..400] : what)}");
            }
        }

        var requests = loops.Sum(l => l.Requests);
        // Not failures: reads sent again, as HTTP allows, after a reload closed their keep-alive connection under them.
        var resent = loops.Sum(l => l.Resent);
        bench.Add(Figure.Of("upstream_events_failed_requests", "requests", [failures.Count], 0,
            $"requests failed of {requests} read through nginx during the 20 gateway events ({resent} sent again after an nginx reload closed their keep-alive connection)" +
            $"{(failures.Count == 0 ? "" : $": {string.Join("; ", failures.Take(10))}")}"));
        bench.Add(Figure.Of("upstream_convergence_s", "s", convergence, 1.0,
            "from gateway-3 answering ready (or from its SIGTERM) to nginx's upstream reflecting it, 10 trials; reference: the 1 s target"));
        bench.Add(Figure.Of("upstream_convergence_kill_s", "s", killConvergence, null,
            "from SIGKILL of gateway-3 to nginx's upstream dropping it (its Consul check must fail first), 5 trials; meanwhile nginx passes reads on to the other gateways"));
    }

    private static async Task<bool> UpstreamHas(Bench bench, int port) =>
        (await bench.Http.GetStringAsync(new Uri(bench.Stack.EdgeStatus, "/upstreams"))).Contains($"127.0.0.1:{port}\"", StringComparison.Ordinal);
}
