using System.Text.Json;
using Autopilot.Bench;
using Autopilot.Bench.Scenarios;

// ./autopilot bench [--quick] [--only SCENARIO,...] [--features FEATURE,...]: measures local stacks of its own against references measured in
// the same run, and writes bench/results/report.json and report.md. The report holds this run's measurements only (the
// tuning history is in bench/README.md). Every load is bounded in time; everything started is stopped.
var scenarios = new (string Name, Func<Bench, Task> Run)[]
{
    // Before throughput, which ends with 3 silos: the peer is measured beside the stack as ./autopilot up starts it.
    ("peer", PeerBeside.Run),
    ("throughput", Throughput.Run),
    ("events", UpstreamEvents.Run),
    ("rebalance", Rebalance.Run),
    ("recovery", Recovery.Run),
    ("faults", Faults.Run),
    ("scale", Scale.Run),
    // Two stacks of their own each.
    ("cost", Cost.Run),
    ("tls", Tls.Run),
};
var quick = false;
HashSet<string>? only = null;
HashSet<string>? features = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick":
            quick = true;
            break;
        case "--only" when i + 1 < args.Length:
            only = Known(args[++i], [.. scenarios.Select(s => s.Name)], "scenario");
            if (only is null)
            {
                return 2;
            }

            break;
        case "--features" when i + 1 < args.Length:
            // The cost scenario's features to measure (cost_none, the noise, among them if it is wanted); all when not given.
            features = Known(args[++i], [.. Cost.Features.Select(f => f.Name)], "cost feature");
            if (features is null)
            {
                return 2;
            }

            break;
        default:
            Console.Error.WriteLine($"bench: unknown option '{args[i]}'; usage: ./autopilot bench [--quick] [--only {string.Join(',', scenarios.Select(s => s.Name))}] [--features {string.Join(',', Cost.Features.Select(f => f.Name))}]");
            return 2;
    }
}

using var bench = new Bench(FindRoot(), quick) { CostFeatures = features };
var chosen = scenarios.Where(s => only is null || only.Contains(s.Name)).ToList();
string? stoppedEarly = null;
try
{
    // One stack for everything but the scale scenario, which wants a stack of its own with nothing stored yet.
    var onOneStack = chosen.Where(s => s.Name is not "scale" and not "tls" and not "cost").ToList();
    if (onOneStack.Count > 0)
    {
        await bench.FreshStack(silos: 1, gateways: 2);
        await bench.Stack.Invoke("down");
        bench.Add(Figure.Of("cold_start_s", "s", [await bench.TimedUp(bench.Stack.UpArguments(silos: 1, gateways: 2))], 30,
            "from ./autopilot up on a stopped stack (built, data kept) to the first 200 of /customers; reference: the 30 s crash-recovery target"));
        await Task.Delay(TimeSpan.FromSeconds(5));
        var gatewayRss = bench.Stack.RssMegabytes("gateway-1");
        bench.Add(Figure.Of("gateway_rss_mb", "MB", [gatewayRss], 128, "resident size of an idle gateway; reference: 128 MB"));
        await bench.AddMemoryParts("gateway", "gateway-1", bench.Stack.Gateway(1), gatewayRss, "an idle gateway");
        // The dashboard's page is read into memory when it is first asked for (GatewayHosting): its own line, after that.
        // A gateway with the dashboard switched off (Dashboard:Enabled) answers 404, and has no such line.
        var dashboardOn = true;
        foreach (var file in new[] { "index.html", "index.min.js", "index.css" })
        {
            using var response = await bench.Http.GetAsync(new Uri(bench.Stack.Gateway(1), $"/dashboard/{file}"));
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                dashboardOn = false;
                break;
            }

            response.EnsureSuccessStatusCode();
        }

        if (dashboardOn)
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            bench.Add(Figure.Of("gateway_dashboard_opened_mb", "MB", [bench.Stack.RssMegabytes("gateway-1") - gatewayRss], null,
                $"what the idle gateway's resident size ({gatewayRss:0} MB) grew by once its Orleans dashboard page was opened (the page's files read into memory)"));
        }
        else
        {
            Bench.Log("gateway-1 serves no dashboard (Dashboard:Enabled is off): no gateway_dashboard_opened_mb");
        }
        foreach (var (name, run) in onOneStack)
        {
            Bench.Log($"scenario {name}");
            await run(bench);
        }
    }

    if (chosen.Any(s => s.Name == "scale"))
    {
        Bench.Log("scenario scale");
        await Scale.Run(bench);
    }

    // Two stacks of their own each, with the bench's own stack down so that only they share the machine.
    foreach (var (name, run) in chosen.Where(s => s.Name is "cost" or "tls"))
    {
        if (Directory.Exists(Path.Combine(bench.Stack.Run, "pids")))
        {
            await bench.Stack.Invoke("down");
        }

        Bench.Log($"scenario {name}");
        await run(bench);
    }
}
catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
{
    // Whatever was measured is still reported; the run says where it stopped and exits non-zero.
    stoppedEarly = e.Message;
    Bench.Log($"stopped early: {e.Message}");
}
finally
{
    if (Directory.Exists(Path.Combine(bench.Stack.Run, "pids")))
    {
        await bench.Stack.Invoke("down");
    }
}

var notes = new List<string>
{
    $"{Environment.ProcessorCount} cores; wrk -t2, {bench.Duration.TotalSeconds} s per run, {bench.Runs} runs per load figure (median, min, max); each reference measured in turns with what it is the reference of.",
    "wrk, nginx, the gateways and the silos share this machine's cores, as they do in the local stack.",
    $"scenarios: {string.Join(", ", chosen.Select(s => s.Name))}{(quick ? " (--quick)" : "")}.",
};
if (stoppedEarly is not null)
{
    notes.Insert(0, $"THE RUN STOPPED EARLY: {stoppedEarly}; the figures below are those measured before it.");
}

var report = new Report(bench.Figures, Targets.Judge(bench.Figures), notes);
Directory.CreateDirectory(bench.Results);
await File.WriteAllTextAsync(Path.Combine(bench.Results, "report.json"), JsonSerializer.Serialize(report, BenchJsonContext.Default.Report));
await File.WriteAllTextAsync(Path.Combine(bench.Results, "report.md"), report.Markdown());
Console.WriteLine(report.Markdown());
return stoppedEarly is null && bench.Figures.All(f => f.Failed is null) ? 0 : 1;

// The names of a comma-separated list, each one of known; null, with a line saying which is unknown, if one is not.
static HashSet<string>? Known(string list, IReadOnlyList<string> known, string what)
{
    HashSet<string> names = [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries)];
    if (names.FirstOrDefault(name => !known.Contains(name)) is not { } unknown)
    {
        return names;
    }

    Console.Error.WriteLine($"bench: no {what} '{unknown}'; there are {string.Join(", ", known)}");
    return null;
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
