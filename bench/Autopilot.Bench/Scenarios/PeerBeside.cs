namespace Autopilot.Bench.Scenarios;

/// <summary>
/// Autopilot beside what a .NET team would write instead (<see cref="Peer"/>: a minimal API over Redis, no Orleans), on
/// the bench's stack of 1 silo and 2 gateways and two instances of the peer, each behind nginx, with the same rows. In
/// turns: GET /customers and /sales at 128 and 32 connections (wrk; at 128 with each side's CPU per answer), then GET
/// /customers at fixed offered rates (h2load), with p50, p99 and p99.9 of each run (the figure: their median, min and max);
/// at the first rate also straight to gateway-1 and its /health/live, so that the tail is taken apart by hop.
/// </summary>
internal static class PeerBeside
{
    public static readonly int[] Rates = [1000, 3000];

    public static async Task Run(Bench bench)
    {
        await bench.EnsureTheEdgeIsNginx();
        await using var peer = await Peer.Start(bench, frontPort: 28091, firstPort: 28092);
        await peer.CopyRows(bench);
        var urls = new Dictionary<string, string>
        {
            ["customers_beside_peer"] = new Uri(bench.Front, "/customers").ToString(),
            ["peer_customers"] = new Uri(peer.Front, "/customers").ToString(),
            ["sales_beside_peer"] = new Uri(bench.Front, "/sales").ToString(),
            ["peer_sales"] = new Uri(peer.Front, "/sales").ToString(),
        };
        var sizes = new Dictionary<string, int>();
        foreach (var (name, url) in urls)
        {
            sizes[name] = (await bench.Http.GetByteArrayAsync(url)).Length;
        }

        Bench.Log($"answer sizes: {string.Join(", ", sizes.Select(s => $"{s.Key} {s.Value} B"))}");
        // Both warmed alike: compiled paths, activated rows, open connections.
        foreach (var url in urls.Values)
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, 2000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, token) =>
            {
                using var response = await bench.Http.GetAsync(url, token);
            });
        }

        foreach (var connections in new[] { 128, 32 })
        {
            Bench.Log($"GET /customers and /sales at {connections} connections, Autopilot and the peer in turns");
            // At 128 connections, what each request costs each side's processes: the limit of the ratio when the cores are busy.
            var (stack, peers) = (bench.Stack.Processes(), peer.Processes(bench));
            var watch = connections == 128
                ? urls.Keys.ToDictionary(key => key, key => key.StartsWith("peer_", StringComparison.Ordinal) ? peers : stack)
                : null;
            var m = await bench.SideBySide(connections, urls, watch: watch);
            foreach (var resource in new[] { "customers", "sales" })
            {
                var ours = $"{resource}_beside_peer";
                var ourWhat = $"Autopilot's GET /{resource} through nginx ({sizes[ours]} bytes), 1 silo and 2 gateways, {connections} connections, in turns with the peer";
                var peerWhat = $"the peer's GET /{resource} through nginx ({sizes[$"peer_{resource}"]} bytes), 2 instances over Redis, {connections} connections";
                bench.AddLoad(ours, connections, "", ourWhat, m[ours], null, "");
                bench.AddLoad($"peer_{resource}", connections, "", peerWhat, m[$"peer_{resource}"], m[ours], "Autopilot's, in the same turns");
                bench.AddCpu(ours, connections, "", ourWhat, m[ours]);
                bench.AddCpu($"peer_{resource}", connections, "", peerWhat, m[$"peer_{resource}"]);
            }
        }

        foreach (var rate in Rates)
        {
            Bench.Log($"GET /customers at {rate} req/s offered, Autopilot and the peer in turns");
            var targets = new Dictionary<string, (string Url, string Who)>
            {
                ["customers"] = (urls["customers_beside_peer"], "Autopilot's GET /customers (1 silo, 2 gateways) through nginx"),
                ["peer_customers"] = (urls["peer_customers"], "the peer's GET /customers (2 instances over Redis) through nginx"),
            };
            if (rate == Rates[0])
            {
                // The tail at the target's rate taken apart by hop, in the same turns: without nginx, then without the grain call.
                targets["customers_direct"] = (new Uri(bench.Stack.Gateway(1), "/customers").ToString(),
                    "Autopilot's GET /customers straight to gateway-1 (no nginx; the whole rate on one of the two gateways)");
                targets["gateway_health_direct"] = (new Uri(bench.Stack.Gateway(1), "/health/live").ToString(),
                    "gateway-1's /health/live straight to its port (no nginx, no grain call)");
            }

            var runs = targets.Keys.ToDictionary(name => name, _ => new List<H2load>());
            for (var run = 0; run < bench.Runs; run++)
            {
                foreach (var (name, (url, _)) in targets)
                {
                    runs[name].Add(await H2load.RunAsync(url, rate, bench.Duration * 2, bench.Results));
                }
            }

            foreach (var (name, measured) in runs)
            {
                var reference = name == "customers" ? null : runs["customers"];
                var against = reference is null ? "" : "; reference: Autopilot's through nginx, in the same turns";
                var failed = measured.Sum(r => r.Non2xx + r.Missing) is > 0 and var problems
                    ? $"{problems} of {measured.Sum(r => r.LatenciesMilliseconds.Count + r.Missing)} requests were not answered 2xx"
                    : null;
                var what = $"{targets[name].Who} at {rate} req/s offered ({H2load.ClientsFor(rate)} connections, h2load; achieved {string.Join(", ", measured.Select(r => $"{r.AchievedPerSecond:0}"))} req/s)";
                foreach (var (label, q) in new[] { ("p50", 0.5), ("p99", 0.99), ("p999", 0.999) })
                {
                    bench.Add(Figure.Of($"{name}_{label}_ms_at_{rate}rps", "ms", [.. measured.Select(r => r.Quantile(q))],
                        reference is null ? null : Figure.Median(reference.Select(r => r.Quantile(q))), $"{label} of {what}, each run's value (median, min, max){against}",
                        label == "p99" ? failed : null));
                }
            }
        }
    }
}
