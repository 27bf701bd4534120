namespace Autopilot.Bench.Scenarios;

/// <summary>
/// What each per-request feature costs (issue 21's cost table): two stacks of the scenario's own, alike (1 silo, 2
/// gateways, their own ports and run folders), whose hosts are started again for each feature: one with everything on,
/// the other with that feature switched off (<c>FeatureSwitches</c>); GET /customers through nginx at 128 connections,
/// the two in turns. Both are started afresh each time, so that neither is older, warmer or fuller than the other (the
/// first version measured against the bench's own stack, and two identical configurations came out 22–27% apart).
/// Each <c>cost_&lt;feature&gt;</c> is the throughput with that feature off over the throughput with everything on;
/// above 1 means the feature costs that much. First with nothing off (<c>cost_none</c>: how far two identical stacks
/// measure apart, the noise every other ratio is read against); last, everything off at once (<c>cost_all</c>).
/// </summary>
internal static class Cost
{
    /// <summary>Each feature: its figure's name, how it is switched off (settings, as environment variables of the processes), what it is.</summary>
    public static readonly (string Name, (string Key, string Value)[] Settings, string What)[] Features =
    [
        ("none", [], "the same configuration as the stack it is measured against"),
        ("metrics", [Off("Telemetry__Metrics")], "OpenTelemetry's metrics (/metrics)"),
        ("request_counting", [Off("Telemetry__RequestCounting")], "the count of answers per route and status"),
        ("tracing", [Off("Telemetry__Tracing")], "tracing (sampled one in a hundred, sent to the viewer) and Orleans' trace propagation"),
        ("sampled_traces", [("OTEL_TRACES_SAMPLER_ARG", "0")], "the traces sampled (one request in a hundred, recorded and sent to the viewer); the activities of the rest and Orleans' propagation stay"),
        ("otlp", [("OTEL_EXPORTER_OTLP_ENDPOINT", "")], "sending traces, logs and metrics to the viewer (no OTLP endpoint, so no tracing either)"),
        ("dashboard", [Off("Dashboard__Enabled")], "the Orleans dashboard and its grain-call profiler"),
        ("etags", [Off("Api__ETags")], "ETags (a SHA-256 of each answer)"),
        ("deadline", [Off("Api__Deadline")], "the request deadline"),
        ("retries", [Off("Api__RetryRejectedCalls")], "the retry filter of rejected grain calls"),
        ("lost_gateway_calls", [Off("Api__GiveUpLostGatewayCalls")], "giving up the calls of a lost gateway (per grain call: a cancellation source, a lock, a list of its attempts and two token registrations)"),
        ("all", [Off("Telemetry__Metrics"), Off("Telemetry__RequestCounting"), ("OTEL_EXPORTER_OTLP_ENDPOINT", ""), Off("Dashboard__Enabled"), Off("Api__ETags"), Off("Api__Deadline"), Off("Api__RetryRejectedCalls"), Off("Api__GiveUpLostGatewayCalls")],
            "every feature above at once"),
    ];

    private const int Connections = 128;

    public static async Task Run(Bench bench)
    {
        var stacks = new[]
        {
            new Stack(bench.Root, basePort: 27000, edgePort: 28086, name: "run-cost-on"),
            new Stack(bench.Root, basePort: 27500, edgePort: 28087, name: "run-cost-off"),
        };
        var (on, off) = (stacks[0], stacks[1]);
        var urls = new Dictionary<string, string>
        {
            ["on"] = new Uri(on.Front, "/customers").ToString(),
            ["off"] = new Uri(off.Front, "/customers").ToString(),
        };
        try
        {
            foreach (var stack in stacks.Where(s => Directory.Exists(s.Run)))
            {
                await stack.Invoke("down");
                Directory.Delete(stack.Run, recursive: true);
            }

            foreach (var (name, settings, what) in Features.Where(f => bench.CostFeatures?.Contains(f.Name) ?? true))
            {
                off.Settings.Clear();
                foreach (var (key, value) in settings)
                {
                    off.Settings[key] = value;
                }

                Bench.Log($"cost of {name}: two stacks started afresh, the second with {(settings.Length == 0 ? "nothing changed" : string.Join(", ", settings.Select(x => $"{x.Key}='{x.Value}'")))}");
                var idle = new List<(double Gateway, double Silo)>();
                foreach (var stack in stacks)
                {
                    idle.Add(await Restart(bench, stack));
                }

                // The first load after a restart runs slower (the hosts' JIT still tiers up the hot path under it): one
                // discarded run on each, so that it does not count against whichever stack goes first (cost_none was 1.21).
                foreach (var url in urls.Values)
                {
                    await Wrk.RunAsync(url, Connections, bench.Duration);
                }

                var m = await bench.SideBySide(Connections, urls);
                var without = $"customers_without_{name}";
                // cost_none switches nothing off: its lines say "in the same configuration", not "without nothing".
                var unlike = settings.Length == 0 ? $"in {what}" : $"without {what}";
                bench.AddLoad(without, Connections, "", $"GET /customers through nginx, 1 silo and 2 gateways, {Connections} connections, {unlike}",
                    m["off"], m["on"], "a stack alike with everything on, started afresh beside it, in the same turns");
                var ratio = bench.Figures.Single(f => f.Name == $"{without}_rps_c{Connections}").Ratio ?? double.NaN;
                bench.Add(Figure.Of($"cost_{name}", "×", [ratio], null,
                    $"throughput of GET /customers {unlike}, over the throughput with everything on (above 1: what it costs)"));
                // What it holds in memory, on a line of its own (issue 21 asks it of the dashboard): the idle resident sizes
                // of the two stacks' first gateway and silo, read side by side.
                bench.Add(Figure.Of($"memory_{name}_gateway_mb", "MB", [idle[0].Gateway - idle[1].Gateway], null,
                    $"resident size of an idle gateway with everything on ({idle[0].Gateway:0} MB) minus one {unlike} ({idle[1].Gateway:0} MB)"));
                bench.Add(Figure.Of($"memory_{name}_silo_mb", "MB", [idle[0].Silo - idle[1].Silo], null,
                    $"resident size of an idle silo with everything on ({idle[0].Silo:0} MB) minus one {unlike} ({idle[1].Silo:0} MB)"));
            }
        }
        finally
        {
            foreach (var stack in stacks.Where(s => Directory.Exists(Path.Combine(s.Run, "pids"))))
            {
                await stack.Invoke("down");
            }
        }
    }

    private static (string Key, string Value) Off(string key) => (key, "false");

    /// <summary>
    /// Starts the stack's hosts again with its <see cref="Stack.Settings"/> (its stores and front door stay; <c>up</c>
    /// starts what is stopped), or the whole stack the first time, and warms it: compiled paths, activated rows. Returns the
    /// resident sizes (MB) of its first gateway and silo, read 5 s after the first 200, before the warming load.
    /// </summary>
    private static async Task<(double Gateway, double Silo)> Restart(Bench bench, Stack stack)
    {
        if (Directory.Exists(Path.Combine(stack.Run, "pids")))
        {
            foreach (var (kind, instance) in new[] { ("gateway", "1"), ("gateway", "2"), ("silo", "1") })
            {
                await stack.Invoke("stop", kind, instance);
            }
        }

        await stack.Invoke(stack.UpArguments(silos: 1, gateways: 2));
        var customers = new Uri(stack.Front, "/customers");
        await Poll.SecondsUntil(() => bench.Serves(customers), TimeSpan.FromMinutes(2), $"the first 200 of /customers from {Path.GetFileName(stack.Run)}");
        await Task.Delay(TimeSpan.FromSeconds(5));
        var idle = (stack.RssMegabytes("gateway-1"), stack.RssMegabytes("silo-1"));
        await Parallel.ForEachAsync(Enumerable.Range(0, 2000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, token) =>
        {
            using var response = await bench.Http.GetAsync(customers, token);
        });
        return idle;
    }
}
