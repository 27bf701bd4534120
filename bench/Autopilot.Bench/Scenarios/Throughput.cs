using System.Diagnostics;
using System.Globalization;

namespace Autopilot.Bench.Scenarios;

/// <summary>
/// GET /customers and /sales through nginx at 128 and 32 connections, with 1 silo and then 3 (2 gateways, as
/// <c>./autopilot up</c> starts them), each group beside references measured in the same turns: nginx serving a static
/// file of the answer's size (the edge's ceiling) and the gateway's /health/live straight to gateway-1 (the gateway's ceiling; the front door serves the product only).
/// At 32 connections the tail is taken apart: the same requests straight to one gateway (no nginx), and the garbage
/// collectors' pause time in the gateways and silos, and how long runnable tasks waited for a core, while the load ran.
/// </summary>
internal static class Throughput
{
    public static async Task Run(Bench bench)
    {
        await Group(bench, silos: 1, suffix: "");
        Bench.Log("scaling to 3 silos");
        await bench.Stack.Invoke("scale", "silo=3");
        await Group(bench, silos: 3, suffix: "_3silos");
    }

    private static async Task Group(Bench bench, int silos, string suffix)
    {
        await bench.EnsureTheEdgeIsNginx();
        var front = bench.Front;
        var sizes = new Dictionary<string, int>();
        foreach (var resource in new[] { "customers", "sales" })
        {
            sizes[resource] = (await bench.Http.GetByteArrayAsync(new Uri(front, $"/{resource}"))).Length;
        }

        var urls = new Dictionary<string, string>
        {
            ["static_customers"] = await bench.Static.Of("customers.json", sizes["customers"], bench.Serves),
            ["static_sales"] = await bench.Static.Of("sales.json", sizes["sales"], bench.Serves),
            // The front door serves the product only (docs/security.md): the gateway's own ceiling is measured at its own port.
            ["gateway_health"] = new Uri(bench.Stack.Gateway(1), "/health/live").ToString(),
            ["customers"] = new Uri(front, "/customers").ToString(),
            ["sales"] = new Uri(front, "/sales").ToString(),
            // One record, what a page of the workshop's four rows is held against (issue 21: a list costs about one read).
            ["customer_get"] = new Uri(front, "/customers/ACME%20Corporation").AbsoluteUri,
        };
        var where = $"{silos} silo(s), 2 gateways";
        foreach (var connections in new[] { 128, 32 })
        {
            Bench.Log($"GET /customers and /sales at {connections} connections, {where}, beside the references");
            var direct = connections == 32
                ? new Dictionary<string, string>
                {
                    ["customers_direct"] = new Uri(bench.Stack.Gateway(1), "/customers").ToString(),
                }
                : [];
            var gcBefore = await GcPauses(bench, silos);
            var (stalledBefore, wallBefore) = (CpuStalledMicroseconds(), Stopwatch.GetTimestamp());
            // At 128 connections, what each request costs the processes that serve it (the throughput targets' limit).
            var stack = bench.Stack.Processes();
            var watch = connections == 128
                ? new Dictionary<string, Dictionary<string, int>>
                {
                    ["static_customers"] = bench.Static.Processes,
                    ["gateway_health"] = stack,
                    ["customers"] = stack,
                    ["customer_get"] = stack,
                }
                : null;
            var m = await bench.SideBySide(connections, urls.Concat(direct).ToDictionary(), watch: watch);
            var (stalledAfter, wall) = (CpuStalledMicroseconds(), Stopwatch.GetElapsedTime(wallBefore));
            var gcAfter = await GcPauses(bench, silos);

            bench.AddLoad("static_customers", connections, suffix, $"nginx serving a static file of {sizes["customers"]} bytes (the edge's ceiling), {connections} connections", m["static_customers"], null, "");
            bench.AddLoad("gateway_health", connections, suffix, $"the gateway's /health/live straight to gateway-1 (the gateway's ceiling; the front door does not serve it), {connections} connections", m["gateway_health"],
                m["static_customers"], "the static file");
            foreach (var resource in new[] { "customers", "sales" })
            {
                var what = $"GET /{resource} through nginx, {connections} connections, {where}";
                bench.AddLoad(resource, connections, suffix, what, m[resource], m[$"static_{resource}"], $"a static file of the same size ({sizes[resource]} bytes)");
                bench.Add(Figure.Of($"{resource}_rps_c{connections}{suffix}_of_gateway", "req/s", [.. m[resource].Select(r => r.OkPerSecond)],
                    Figure.Median(m["gateway_health"].Select(r => r.OkPerSecond)), $"{what}; reference: the gateway's /health/live straight to gateway-1"));
            }

            bench.AddLoad("customer_get", connections, suffix, $"GET /customers/ACME%20Corporation (one record and its rep) through nginx, {connections} connections, {where}",
                m["customer_get"], m["customers"], "the workshop's four rows, GET /customers");
            bench.AddCpu("static_customers", connections, suffix, $"nginx serving the static file of {sizes["customers"]} bytes", m["static_customers"]);
            bench.AddCpu("gateway_health", connections, suffix, "the gateway's /health/live straight to gateway-1", m["gateway_health"]);
            bench.AddCpu("customers", connections, suffix, $"GET /customers through nginx, {where}", m["customers"]);
            bench.AddCpu("customer_get", connections, suffix, $"GET /customers/ACME%20Corporation through nginx, {where}", m["customer_get"]);
            if (connections == 32)
            {
                bench.AddLoad("customers_direct", connections, suffix, $"GET /customers straight to gateway-1 (no nginx), 32 connections, {where}", m["customers_direct"],
                    m["customers"], "the same through nginx");
                bench.Add(Figure.Of($"cpu_pressure_pct_c32{suffix}", "%", [(stalledAfter - stalledBefore) / wall.TotalMicroseconds * 100], null,
                    "share of the 32-connection runs' wall time in which at least one runnable task waited for a core (Linux's /proc/pressure/cpu, some)"));
                var seconds = bench.Runs * bench.Duration.TotalSeconds * m.Count;
                foreach (var (process, before) in gcBefore.Where(p => gcAfter.ContainsKey(p.Key)))
                {
                    bench.Add(Figure.Of($"gc_pause_ms_per_s_{process.Replace('-', '_')}_c32{suffix}", "ms/s", [(gcAfter[process] - before) * 1000 / seconds], null,
                        $"{process}: garbage-collection pause time per second of the 32-connection runs above (dotnet.gc.pause.time from its /metrics)"));
                }
            }
        }
    }

    /// <summary>Microseconds so far in which some runnable task waited for a CPU (Linux's pressure stall information).</summary>
    private static double CpuStalledMicroseconds()
    {
        var some = File.ReadLines("/proc/pressure/cpu").First(l => l.StartsWith("some ", StringComparison.Ordinal));
        return double.Parse(some[(some.IndexOf("total=", StringComparison.Ordinal) + "total=".Length)..], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Total GC pause seconds so far of each gateway and silo, from OpenTelemetry's runtime metrics on /metrics; a host that
    /// serves no /metrics (<c>Telemetry:Metrics</c> off) is left out.
    /// </summary>
    private static async Task<Dictionary<string, double>> GcPauses(Bench bench, int silos)
    {
        var hosts = Enumerable.Range(1, 2).Select(j => ($"gateway-{j}", bench.Stack.Gateway(j)))
            .Concat(Enumerable.Range(1, silos).Select(i => ($"silo-{i}", bench.Stack.SiloHttp(i))));
        var pauses = new Dictionary<string, double>();
        foreach (var (name, url) in hosts)
        {
            if (await bench.MetricValue(url, "dotnet_gc_pause_time_seconds_total") is { } seconds)
            {
                pauses[name] = seconds;
            }
        }

        return pauses;
    }
}
