namespace Autopilot.Bench.Scenarios;

/// <summary>
/// What each per-request feature costs (issue 21's cost table): the bench's stack with everything on, and a second stack
/// alike (1 silo, 2 gateways, its own ports) started again with one feature switched off at a time (<c>FeatureSwitches</c>),
/// GET /customers through nginx at 128 connections, the two in turns. Each <c>cost_&lt;feature&gt;</c> is the throughput
/// with that feature off over the throughput with everything on; above 1 means the feature costs that much. The second
/// stack is first measured with nothing off (<c>cost_none</c>): how far apart two identical stacks measure, the noise any
/// other ratio is read against. Last, everything off at once (<c>cost_all</c>).
/// </summary>
internal static class Cost
{
    /// <summary>Each feature: its figure's name, the switch (as an environment variable of the processes), what it is.</summary>
    public static readonly (string Name, string[] Switches, string What)[] Features =
    [
        ("none", [], "nothing (the same configuration as the stack it is measured against)"),
        ("metrics", ["Telemetry__Metrics"], "OpenTelemetry's metrics (/metrics)"),
        ("request_counting", ["Telemetry__RequestCounting"], "the count of answers per route and status"),
        ("tracing", ["Telemetry__Tracing"], "tracing (sampled one in a hundred, sent to the viewer) and Orleans' trace propagation"),
        ("dashboard", ["Dashboard__Enabled"], "the Orleans dashboard and its grain-call profiler"),
        ("etags", ["Api__ETags"], "ETags (a SHA-256 of each answer)"),
        ("deadline", ["Api__Deadline"], "the request deadline"),
        ("retries", ["Api__RetryRejectedCalls"], "the retry filter of rejected grain calls"),
        ("all", ["Telemetry__Metrics", "Telemetry__RequestCounting", "Telemetry__Tracing", "Dashboard__Enabled", "Api__ETags", "Api__Deadline", "Api__RetryRejectedCalls"], "every feature above at once"),
    ];

    private const int Connections = 128;

    public static async Task Run(Bench bench)
    {
        await bench.EnsureTheEdgeIsNginx();
        var variant = new Stack(bench.Root, basePort: 27000, edgePort: 28086, name: "run-cost");
        var on = new Uri(bench.Front, "/customers");
        var off = new Uri(variant.Front, "/customers");
        try
        {
            if (Directory.Exists(variant.Run))
            {
                await variant.Invoke("down");
                Directory.Delete(variant.Run, recursive: true);
            }

            foreach (var (name, switches, what) in Features)
            {
                variant.Settings.Clear();
                foreach (var key in switches)
                {
                    variant.Settings[key] = "false";
                }

                if (Directory.Exists(Path.Combine(variant.Run, "pids")))
                {
                    // The stores and the front door stay; the hosts start again with the new switches (up heals what is stopped).
                    foreach (var (kind, instance) in new[] { ("gateway", "1"), ("gateway", "2"), ("silo", "1") })
                    {
                        await variant.Invoke("stop", kind, instance);
                    }
                }

                Bench.Log($"cost of {name}: the second stack with {(switches.Length == 0 ? "nothing" : string.Join(", ", switches))} off");
                await variant.Invoke(variant.UpArguments(silos: 1, gateways: 2));
                await Poll.SecondsUntil(() => bench.Serves(off), TimeSpan.FromMinutes(2), "the first 200 of /customers from the second stack");
                foreach (var url in new[] { on, off })
                {
                    await Parallel.ForEachAsync(Enumerable.Range(0, 2000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, token) =>
                    {
                        using var response = await bench.Http.GetAsync(url, token);
                    });
                }

                var m = await bench.SideBySide(Connections, new Dictionary<string, string> { ["on"] = on.ToString(), ["off"] = off.ToString() });
                var without = $"customers_without_{name}";
                bench.AddLoad(without, Connections, "", $"GET /customers through nginx, 1 silo and 2 gateways, {Connections} connections, without {what}",
                    m["off"], m["on"], "the bench's stack with everything on, in the same turns");
                var ratio = bench.Figures.Single(f => f.Name == $"{without}_rps_c{Connections}").Ratio ?? double.NaN;
                bench.Add(Figure.Of($"cost_{name}", "×", [ratio], null,
                    $"throughput of GET /customers without {what}, over the throughput with everything on (above 1: what it costs)"));
            }
        }
        finally
        {
            if (Directory.Exists(Path.Combine(variant.Run, "pids")))
            {
                await variant.Invoke("down");
            }
        }
    }
}
