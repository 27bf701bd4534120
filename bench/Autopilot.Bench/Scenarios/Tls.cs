namespace Autopilot.Bench.Scenarios;

/// <summary>
/// What mutual TLS on Orleans' connections costs: two stacks of the scenario's own, alike but for TLS (2 silos and 1
/// gateway each, so that a page's rows are gathered across silos), GET /customers through nginx at 128 and 32
/// connections, the two stacks warmed alike and then measured in turns. Each figure's ratio is TLS over plaintext. Where
/// the four rows live (one silo or both) differs from stack to stack and moves the figures as much as TLS does: read
/// the ratio with its min and max.
/// </summary>
internal static class Tls
{
    public static async Task Run(Bench bench)
    {
        var tls = new Stack(bench.Root, basePort: 26000, edgePort: 28081, name: "run-tls");
        var plain = new Stack(bench.Root, basePort: 26500, edgePort: 28082, name: "run-plain", orleansTls: false);
        try
        {
            foreach (var stack in new[] { tls, plain })
            {
                if (Directory.Exists(stack.Run))
                {
                    await stack.Invoke("down");
                    Directory.Delete(stack.Run, recursive: true);
                }

                Bench.Log($"starting a stack of 2 silos and 1 gateway in {Path.GetFileName(stack.Run)}");
                await stack.Invoke(stack.UpArguments(silos: 2, gateways: 1));
                await Poll.SecondsUntil(() => bench.Serves(new Uri(stack.Front, "/customers")), TimeSpan.FromMinutes(2), "the first 200 of /customers");
            }

            // Warmed alike: both stacks have compiled their paths and activated the rows before anything is measured.
            foreach (var stack in new[] { tls, plain })
            {
                await Parallel.ForEachAsync(Enumerable.Range(0, 2000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, token) =>
                {
                    using var response = await bench.Http.GetAsync(new Uri(stack.Front, "/customers"), token);
                });
            }

            // And one discarded load on each, as the cost scenario does: the first load after a start runs slower (the JIT
            // still tiers up the hot path under it). Without it, the plaintext stack's three runs at 128 connections measured
            // from 1,166 to 3,766 req/s in one run.
            foreach (var stack in new[] { tls, plain })
            {
                await Wrk.RunAsync(new Uri(stack.Front, "/customers").ToString(), 128, bench.Duration);
            }

            foreach (var connections in new[] { 128, 32 })
            {
                Bench.Log($"GET /customers at {connections} connections, with TLS and without, in turns");
                // At 128 connections, with what each answer costs each stack's processes.
                var watch = connections == 128
                    ? new Dictionary<string, Dictionary<string, int>> { ["customers_tls"] = tls.Processes(), ["customers_plaintext"] = plain.Processes() }
                    : null;
                var m = await bench.SideBySide(connections, new Dictionary<string, string>
                {
                    ["customers_tls"] = new Uri(tls.Front, "/customers").ToString(),
                    ["customers_plaintext"] = new Uri(plain.Front, "/customers").ToString(),
                }, watch: watch);
                bench.AddLoad("customers_plaintext", connections, "", $"GET /customers through nginx, 2 silos and 1 gateway speaking Orleans without TLS, {connections} connections",
                    m["customers_plaintext"], null, "");
                bench.AddLoad("customers_tls", connections, "", $"GET /customers through nginx, 2 silos and 1 gateway speaking Orleans with mutual TLS, {connections} connections",
                    m["customers_tls"], m["customers_plaintext"], "the same stack without TLS");
                bench.AddCpu("customers_plaintext", connections, "", "GET /customers through nginx, 2 silos and 1 gateway speaking Orleans without TLS", m["customers_plaintext"]);
                bench.AddCpu("customers_tls", connections, "", "GET /customers through nginx, 2 silos and 1 gateway speaking Orleans with mutual TLS", m["customers_tls"]);
            }
        }
        finally
        {
            foreach (var stack in new[] { tls, plain })
            {
                if (Directory.Exists(Path.Combine(stack.Run, "pids")))
                {
                    await stack.Invoke("down");
                }
            }
        }
    }
}
