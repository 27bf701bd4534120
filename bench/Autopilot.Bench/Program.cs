using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Autopilot.Bench;

// ./autopilot bench: measures a local stack of its own against references measured in the same run, and writes
// bench/results/report.json and report.md. Every load is bounded in time; everything started is stopped.
var root = FindRoot();
var results = Path.Combine(root, "bench", "results");
var quick = args.Contains("--quick");
var duration = TimeSpan.FromSeconds(quick ? 3 : 8);
var runs = quick ? 2 : 3;
var stack = new Stack(root, basePort: 25000, edgePort: 28080);
var figures = new List<Figure>();
var notes = new List<string>
{
    $"{Environment.ProcessorCount} cores; wrk -t2, {duration.TotalSeconds} s per run, {runs} runs per figure (median, min, max).",
    "References: nginx serving a static file as large as the /customers answer (the edge's ceiling), and the gateway's /health/live through nginx (the gateway's ceiling); figures ending in _of_gateway carry the second.",
    "wrk, nginx, the gateway and the silos share this machine's cores, as they do in the local stack.",
};
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
Process? staticNginx = null;
string? stoppedEarly = null;

try
{
    if (Directory.Exists(stack.Run))
    {
        await stack.Invoke("down");
        Directory.Delete(stack.Run, recursive: true);
    }

    Console.Error.WriteLine("bench: starting a stack of 1 silo and 1 gateway");
    await stack.Invoke(stack.UpArguments(silos: 1, gateways: 1));
    await Task.Delay(TimeSpan.FromSeconds(5));
    figures.Add(Figure.Of("idle_silo_rss_mb", "MB", [stack.RssMegabytes("silo-1")], 128, "resident size of a silo after start-up; reference: the workshop's 128 MB container limit"));
    figures.Add(Figure.Of("gateway_rss_mb", "MB", [stack.RssMegabytes("gateway-1")], 128, "resident size of an idle gateway; reference: 128 MB"));

    // The edge's ceiling: the same nginx binary serving a static file of the /customers answer's size.
    var customersBody = await http.GetByteArrayAsync(new Uri(stack.Front, "/customers"));
    staticNginx = StartStaticNginx(results, customersBody.Length, port: 28090);
    var staticUrl = "http://127.0.0.1:28090/customers.json";
    await Poll.SecondsUntil(async () => (await http.GetAsync(staticUrl)).IsSuccessStatusCode, TimeSpan.FromSeconds(10), "static nginx");

    // The references, measured in this run: the edge's ceiling (static file) and the gateway's (/health/live through nginx).
    var healthUrl = new Uri(stack.Front, "/health/live").ToString();
    var ceilings = new Dictionary<(string Of, int Connections), List<Wrk>>();
    foreach (var connections in new[] { 128, 32 })
    {
        ceilings[("static", connections)] = await Measure(staticUrl, connections);
        ceilings[("gateway", connections)] = await Measure(healthUrl, connections);
    }

    foreach (var connections in new[] { 128, 32 })
    {
        var edge = ceilings[("static", connections)];
        var gateway = ceilings[("gateway", connections)];
        figures.Add(Figure.Of($"static_rps_c{connections}", "req/s", Rps(edge), null, $"nginx serving a static file of {customersBody.Length} bytes (the edge's ceiling)"));
        figures.Add(Figure.Of($"static_p99_ms_c{connections}", "ms", P99(edge), null, "p99 of the static file"));
        figures.Add(Figure.Of($"gateway_health_rps_c{connections}", "req/s", Rps(gateway), Median(Rps(edge)),
            "the gateway's /health/live through nginx (the gateway's ceiling); reference: static file"));
        figures.Add(Figure.Of($"gateway_health_p99_ms_c{connections}", "ms", P99(gateway), Median(P99(edge)), "p99 of /health/live through nginx; reference: static file"));
    }

    foreach (var silos in new[] { 1, 3 })
    {
        if (silos == 3)
        {
            Console.Error.WriteLine("bench: scaling to 3 silos");
            await stack.Invoke("scale", "silo=3");
        }

        var suffix = silos == 1 ? "" : "_3silos";
        foreach (var resource in new[] { "customers", "sales" })
        {
            var url = new Uri(stack.Front, $"/{resource}").ToString();
            foreach (var connections in new[] { 128, 32 })
            {
                var measured = await Measure(url, connections);
                var edge = ceilings[("static", connections)];
                var gateway = ceilings[("gateway", connections)];
                var what = $"GET /{resource} through nginx, {connections} connections, {silos} silo(s)";
                figures.Add(Figure.Of($"{resource}_rps_c{connections}{suffix}", "req/s", Rps(measured), Median(Rps(edge)),
                    $"{what}; reference: static file; errors {measured.Sum(r => r.Errors)}"));
                figures.Add(Figure.Of($"{resource}_rps_c{connections}{suffix}_of_gateway", "req/s", Rps(measured), Median(Rps(gateway)),
                    $"{what}; reference: the gateway's /health/live"));
                figures.Add(Figure.Of($"{resource}_p50_ms_c{connections}{suffix}", "ms", measured.Select(r => r.P50Milliseconds).ToList(), Median(edge.Select(r => r.P50Milliseconds)),
                    $"p50 of {what}; reference: static file's p50"));
                figures.Add(Figure.Of($"{resource}_p99_ms_c{connections}{suffix}", "ms", P99(measured), Median(P99(edge)),
                    $"p99 of {what}; reference: static file's p99; gateway ceiling's p99 {Median(P99(gateway)):0.##} ms"));
            }
        }
    }

    Console.Error.WriteLine("bench: upstream convergence, 10 trials of a gateway starting or stopping, 5 of one killed");
    await CreateCustomers(1, 200);
    var convergence = new List<double>();
    var killConvergence = new List<double>();
    await using (var traffic = new Traffic(stack.Front, [.. Enumerable.Range(1, 200).Select(CustomerPath)]))
    {
        for (var trial = 0; trial < 10; trial++)
        {
            using (var scaling = stack.Start("scale", "gateway=2"))
            {
                await Poll.SecondsUntil(async () => (await http.GetAsync(new Uri(stack.Gateway(2), "/health/ready"))).IsSuccessStatusCode, TimeSpan.FromMinutes(2), "gateway-2 ready");
                var joined = await Poll.SecondsUntil(async () => await UpstreamHas(stack.Ports.GatewayHttp(2)), TimeSpan.FromSeconds(30), "gateway-2 in the upstream");
                if (trial < 5)
                {
                    convergence.Add(joined);
                }

                await scaling.WaitForExitAsync();
            }

            if (trial < 5)
            {
                using var stopping = stack.Start("stop", "gateway", "2");
                convergence.Add(await Poll.SecondsUntil(async () => !await UpstreamHas(stack.Ports.GatewayHttp(2)), TimeSpan.FromSeconds(30), "gateway-2 out of the upstream"));
                await stopping.WaitForExitAsync();
            }
            else
            {
                await stack.Invoke("kill", "gateway", "2");
                killConvergence.Add(await Poll.SecondsUntil(async () => !await UpstreamHas(stack.Ports.GatewayHttp(2)), TimeSpan.FromSeconds(30), "killed gateway-2 out of the upstream"));
            }
        }

        var (requests, failed) = traffic.Counts;
        figures.Add(Figure.Of("upstream_events_failed_requests", "requests", [failed], 0, $"requests failed of {requests} read through nginx during the 20 gateway events above{traffic.Reasons}"));
    }

    figures.Add(Figure.Of("upstream_convergence_s", "s", convergence, 1.0,
        "from a gateway answering ready (or from its SIGTERM) to the edge's upstream reflecting it, 10 trials; reference: the 1 s target"));
    figures.Add(Figure.Of("upstream_convergence_kill_s", "s", killConvergence, 1.0,
        "from SIGKILL of a gateway to the edge's upstream dropping it (Consul's check must fail first: 2 s interval), 5 trials; meanwhile nginx passes requests to the other gateway on the first refused connection"));

    Console.Error.WriteLine("bench: 2,000 customers, then rebalancing onto a third silo");
    await stack.Invoke("stop", "silo", "3");
    await CreateCustomers(201, 2000);
    var customerPaths = Enumerable.Range(1, 2000).Select(CustomerPath).ToList();
    await using (var traffic = new Traffic(stack.Front, customerPaths))
    {
        await stack.Invoke("scale", "silo=3");
        var rebalance = await Poll.SecondsUntil(async () => Balanced(await http.GetFromJsonAsync<JsonElement>(new Uri(stack.Front, "/cluster"))), TimeSpan.FromMinutes(5), "balanced activations");
        figures.Add(Figure.Of("rebalance_s", "s", [rebalance], null, "from a third silo being ready to every silo holding at least a quarter of the activations (one trial)"));
        var (requests, failed) = traffic.Counts;
        figures.Add(Figure.Of("rebalance_failed_requests", "requests", [failed], 0, $"requests failed of {requests} read during the join and the rebalancing{traffic.Reasons}"));
    }

    Console.Error.WriteLine("bench: SIGKILL recovery, 5 trials");
    var recovery = new List<double>();
    var killFailures = new List<double>();
    var killReasons = "";
    for (var trial = 0; trial < 5; trial++)
    {
        var (customer, silo) = await HostedOffSilo1();
        await using (var traffic = new Traffic(stack.Front, customerPaths))
        {
            await stack.Invoke("kill", "silo", silo);
            recovery.Add(await Poll.SecondsUntil(async () => (await http.GetAsync(new Uri(stack.Front, $"/customers/{Uri.EscapeDataString(customer)}"))).IsSuccessStatusCode,
                TimeSpan.FromMinutes(1), $"{customer} answers again"));
            await Task.Delay(TimeSpan.FromSeconds(5));
            killFailures.Add(traffic.Counts.Failures);
            killReasons += traffic.Reasons;
        }

        await stack.Invoke("scale", "silo=3");
    }

    figures.Add(Figure.Of("kill_recovery_s", "s", recovery, 10.0, "from SIGKILL of a silo to the first successful request for a grain it hosted, 5 trials; reference: the 10 s target"));
    figures.Add(Figure.Of("kill_failed_requests", "requests", killFailures, 0, $"requests failed of the background reads (about 200/s) from the kill to 5 s after the first recovery, per trial{killReasons}"));

    Console.Error.WriteLine("bench: 10,000 activations on one silo");
    await stack.Invoke("scale", "silo=1");
    await CreateCustomers(2001, 10000);
    await Parallel.ForEachAsync(Enumerable.Range(1, 10000), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, token) =>
        await http.GetAsync(new Uri(stack.Front, CustomerPath(i)), token));
    var activations = (await http.GetFromJsonAsync<JsonElement>(new Uri(stack.Front, "/cluster"))).GetProperty("silos").EnumerateArray()
        .Where(s => s.GetProperty("status").GetString() == "Active").Sum(s => s.GetProperty("activations").GetInt32());
    figures.Add(Figure.Of("loaded_silo_rss_mb", "MB", [stack.RssMegabytes("silo-1")], figures.Single(f => f.Name == "idle_silo_rss_mb").Value,
        $"resident size of the one silo holding {activations} activations; reference: the same silo idle"));
}
catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or TaskCanceledException)
{
    // Whatever was measured is still reported; the run says where it stopped and exits non-zero.
    stoppedEarly = e.Message;
    Console.Error.WriteLine($"bench: stopped early: {e.Message}");
}
finally
{
    if (staticNginx is { HasExited: false })
    {
        staticNginx.Kill(entireProcessTree: true);
    }

    await stack.Invoke("down");
}

// The targets of issue 6, judged on the medians; a miss says by how much.
foreach (var (name, target, higherIsBetter, what) in new (string, double, bool, string)[]
{
    ("customers_rps_c128", 0.25, true, "GET /customers at 128 connections >= 25% of the static-file ceiling (ratio)"),
    ("customers_p99_ms_c32", 20, false, "p99 of GET /customers at 32 connections <= 20 ms"),
    ("upstream_convergence_s", 1, false, "upstream convergence <= 1 s (median)"),
    ("kill_recovery_s", 10, false, "recovery after SIGKILL <= 10 s (median)"),
    ("idle_silo_rss_mb", 128, false, "an idle silo <= 128 MB resident"),
})
{
    var figure = figures.SingleOrDefault(f => f.Name == name);
    if (figure is null)
    {
        notes.Add($"target {what}: not measured");
        continue;
    }

    var value = name == "customers_rps_c128" ? figure.Ratio ?? 0 : figure.Value;
    var met = higherIsBetter ? value >= target : value <= target;
    var gap = Math.Abs(value - target) / target * 100;
    notes.Add(met ? $"target met: {what} ({value:0.###})" : $"target MISSED by {gap:0}%: {what} ({value:0.###}); tried: {Tried(name)}");
}

notes.AddRange(
[
    "settings that matter (bench/README.md keeps the before/after figures): reads are [ReadOnly], so concurrent reads of one grain interleave instead of queueing on it; each whole table is one gateway-to-silo call, gathered next to the grains by a stateless worker, instead of one call per row;",
    "settings that matter: failure detection (Orleans:Membership: 2 s probes, 2 missed probes, 2 votes), and reads answering within 3 s or being sent again by the gateway, so a read sent to a silo killed a moment ago does not hang for the 10 s response timeout;",
    "settings that matter: nginx least_conn with keepalive 64 to the gateways, access_log off, passive max_fails=1 (a killed gateway costs no request); the edge applies an upstream change after 150 ms of quiet (at most 1 s);",
    "settings that mattered little (tried by hand, see bench/README.md): workstation or non-concurrent GC instead of the default server GC with DATAS, TieredPGO off, W^X off, a smaller gen0 budget, a GC heap hard limit.",
]);
if (stoppedEarly is not null)
{
    notes.Insert(0, $"THE RUN STOPPED EARLY: {stoppedEarly}; the figures below are those measured before it.");
}

Directory.CreateDirectory(results);
var report = new Report(figures, notes);
await File.WriteAllTextAsync(Path.Combine(results, "report.json"), JsonSerializer.Serialize(report, BenchJsonContext.Default.Report));
await File.WriteAllTextAsync(Path.Combine(results, "report.md"), Markdown(report));
Console.WriteLine(Markdown(report));
return stoppedEarly is null ? 0 : 1;

static string Tried(string target) => target switch
{
    "customers_rps_c128" =>
        "interleaving reads and one call per table (+27%); GC modes (within noise). The gap is per-request work on two shared cores: " +
        "nginx proxying and Kestrel cost about as much as the whole static request, before Orleans does anything (compare gateway_health_rps_c128); " +
        "caching the answer in nginx would reach the target but serve rows up to a second stale after a write, so it is not done",
    "customers_p99_ms_c32" => "interleaving reads, one call per table",
    "upstream_convergence_s" => "blocking queries with a short quiescence window (150 ms)",
    "kill_recovery_s" => "fast failure detection; reads sent again after 3 s or a lost silo",
    "idle_silo_rss_mb" => "GC modes, TieredPGO off, W^X off, gen0 budget, heap hard limit (none below ~115 MB)",
    _ => "",
};

async Task<List<Wrk>> Measure(string url, int connections)
{
    var measured = new List<Wrk>();
    for (var run = 0; run < runs; run++)
    {
        measured.Add(await Wrk.RunAsync(url, connections, duration));
    }

    return measured;
}

// The benchmark's own customers: "Bench Co 1", "Bench Co 2", ...
static string CustomerPath(int i) => $"/customers/Bench%20Co%20{i}";

static List<double> Rps(IEnumerable<Wrk> runs) => [.. runs.Select(r => r.RequestsPerSecond)];

static List<double> P99(IEnumerable<Wrk> runs) => [.. runs.Select(r => r.P99Milliseconds)];

async Task CreateCustomers(int from, int to) =>
    await Parallel.ForEachAsync(Enumerable.Range(from, to - from + 1), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, token) =>
    {
        using var response = await http.PutAsJsonAsync(new Uri(stack.Front, CustomerPath(i)), new { location = "Springfield" }, token);
        response.EnsureSuccessStatusCode();
    });

async Task<bool> UpstreamHas(int port) =>
    (await http.GetStringAsync(new Uri(stack.EdgeStatus, "/upstreams"))).Contains($"127.0.0.1:{port}\"", StringComparison.Ordinal);

async Task<(string Customer, string Silo)> HostedOffSilo1()
{
    for (var i = 1; i <= 2000; i++)
    {
        var row = await http.GetFromJsonAsync<JsonElement>(new Uri(stack.Front, CustomerPath(i)));
        var source = row.GetProperty("source").GetString()!;
        if (source != "silo-1")
        {
            return ($"Bench Co {i}", source["silo-".Length..]);
        }
    }

    throw new InvalidOperationException("every customer sits on silo-1");
}

static bool Balanced(JsonElement cluster)
{
    var counts = cluster.GetProperty("silos").EnumerateArray()
        .Where(s => s.GetProperty("status").GetString() == "Active")
        .Select(s => s.GetProperty("activations").GetInt32()).ToList();
    return counts.Count == 3 && counts.All(c => c >= counts.Sum() / 4);
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

static Process StartStaticNginx(string results, int size, int port)
{
    var folder = Path.Combine(results, "static");
    Directory.CreateDirectory(Path.Combine(folder, "tmp"));
    File.WriteAllText(Path.Combine(folder, "customers.json"), new string('x', size));
    var config = $$"""
        worker_processes auto;
        error_log {{folder}}/error.log warn;
        pid {{folder}}/nginx.pid;
        events { worker_connections 4096; }
        http {
            access_log off;
            client_body_temp_path {{folder}}/tmp;
            proxy_temp_path {{folder}}/tmp;
            fastcgi_temp_path {{folder}}/tmp;
            uwsgi_temp_path {{folder}}/tmp;
            scgi_temp_path {{folder}}/tmp;
            keepalive_requests 10000;
            server {
                listen 127.0.0.1:{{port}};
                root {{folder}};
                default_type application/json;
            }
        }
        """;
    File.WriteAllText(Path.Combine(folder, "nginx.conf"), config);
    var start = new ProcessStartInfo("/usr/sbin/nginx") { RedirectStandardError = true, RedirectStandardOutput = true };
    foreach (var argument in new[] { "-p", folder + "/", "-c", Path.Combine(folder, "nginx.conf"), "-g", Environment.UserName == "root" ? "daemon off; user root;" : "daemon off;" })
    {
        start.ArgumentList.Add(argument);
    }

    return Process.Start(start) ?? throw new InvalidOperationException("nginx did not start");
}

static string Markdown(Report report)
{
    var text = new StringBuilder("# Autopilot benchmark\n\n");
    foreach (var note in report.Notes)
    {
        text.Append(CultureInfo.InvariantCulture, $"- {note}\n");
    }

    text.Append("\n| figure | median | unit | min | max | reference | ratio | what |\n|---|---|---|---|---|---|---|---|\n");
    foreach (var f in report.Figures)
    {
        text.Append(CultureInfo.InvariantCulture, $"| {f.Name} | {f.Value} | {f.Unit} | {f.Min} | {f.Max} | {f.Reference?.ToString(CultureInfo.InvariantCulture) ?? "—"} | {f.Ratio?.ToString(CultureInfo.InvariantCulture) ?? "—"} | {f.Note} |\n");
    }

    return text.ToString();
}

static string FindRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "Autopilot.sln")))
        {
            return directory.FullName;
        }
    }

    throw new InvalidOperationException("run ./autopilot bench from the repository");
}
