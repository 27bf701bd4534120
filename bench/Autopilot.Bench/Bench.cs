using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Autopilot.Stack.Model;

namespace Autopilot.Bench;

/// <summary>
/// What every scenario shares: the stack under test, an HTTP client, the static-file reference server, the figures of
/// this run, and how long each load runs. Every load is bounded in time.
/// </summary>
internal sealed class Bench(string root, bool quick) : IDisposable
{
    private StaticFiles? statics;

    public string Root => root;

    public string Results { get; } = Path.Combine(root, "bench", "results");

    public bool Quick => quick;

    /// <summary>The cost scenario's features to measure (<c>--features</c>); null: every one.</summary>
    public IReadOnlySet<string>? CostFeatures { get; init; }

    /// <summary>How long one wrk run lasts, and how many runs make a figure (its median, min and max).</summary>
    public TimeSpan Duration { get; } = TimeSpan.FromSeconds(quick ? 3 : 8);

    public int Runs { get; } = quick ? 2 : 3;

    public Stack Stack { get; } = new(root, basePort: 25000, edgePort: 28080);

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(15) };

    public List<Figure> Figures { get; } = [];

    public Uri Front => Stack.Front;

    /// <summary>nginx serving static files, started on first use (port 28090, beside the stack's edge on 28080).</summary>
    public StaticFiles Static => statics ??= StaticFiles.Start(Results, 28090);

    /// <summary>One line on standard error, timed like the stack's own logs so that the two can be read side by side.</summary>
    public static void Log(string line) => Console.Error.WriteLine($"bench: {DateTime.Now:HH:mm:ss.fff} {line}");

    public void Add(Figure figure)
    {
        Figures.Add(figure);
        Log($"{figure.Name} = {figure.Value} {figure.Unit}{(figure.Ratio is { } ratio ? $" (ratio {ratio})" : "")}{(figure.Failed is null ? "" : $" FAILED: {figure.Failed}")}");
    }

    public double Value(string figure) => Figures.Single(f => f.Name == figure).Value;

    /// <summary>
    /// Each URL measured <see cref="Runs"/> times at <paramref name="connections"/>, taking turns, so that a figure and
    /// the reference it is compared with see the machine in the same state; every other turn goes in the reverse order,
    /// so that none is always measured first (or right after another's load). For a URL named in <paramref name="watch"/>,
    /// each run also reads the CPU of the processes that serve it (by name) and of the machine.
    /// </summary>
    public async Task<Dictionary<string, List<Wrk>>> SideBySide(int connections, IReadOnlyDictionary<string, string> urls, string? script = null,
        IReadOnlyDictionary<string, Dictionary<string, int>>? watch = null)
    {
        var measured = urls.Keys.ToDictionary(key => key, _ => new List<Wrk>());
        for (var run = 0; run < Runs; run++)
        {
            foreach (var (key, url) in run % 2 == 0 ? urls : urls.Reverse())
            {
                var processes = watch?.GetValueOrDefault(key);
                var before = processes is null ? null : CpuReading.Take(processes);
                var result = await Wrk.RunAsync(url, connections, Duration, script);
                measured[key].Add(before is null ? result : result with { Cpu = CpuReading.Take(processes!).Since(before) });
            }
        }

        return measured;
    }

    /// <summary>
    /// The parts of a host's resident size <paramref name="rss"/> (MB) as Linux counts them, each on a line of its own
    /// against it: anonymous memory (<c>{prefix}_private_mb</c>), the JIT's code (<c>_code_mb</c>), mapped files
    /// (<c>_files_mb</c>); and, inside the anonymous part, what the GC held committed after its last collection.
    /// </summary>
    public async Task AddMemoryParts(string prefix, string name, Uri host, double rss, string what)
    {
        var against = $"reference: its resident size ({rss:0} MB)";
        Add(Figure.Of($"{prefix}_private_mb", "MB", [Stack.PrivateMegabytes(name)], rss,
            $"what of {what}'s resident size is anonymous memory: the GC's heap, the runtime's own, stacks (RssAnon); {against}"));
        Add(Figure.Of($"{prefix}_code_mb", "MB", [Stack.CodeMegabytes(name)], rss,
            $"what of {what}'s resident size is the JIT's compiled code and the runtime's stubs, mapped twice under W^X (RssShmem, memfd:doublemapper); {against}"));
        Add(Figure.Of($"{prefix}_files_mb", "MB", [Stack.FileMegabytes(name)], rss,
            $"what of {what}'s resident size is mapped files: the runtime's, the framework's and the libraries' assemblies, shared by every .NET process (RssFile); {against}"));
        if (await MetricValue(host, "dotnet_gc_last_collection_memory_committed_size_bytes") is { } committed)
        {
            Add(Figure.Of($"{prefix}_gc_committed_mb", "MB", [committed / (1024 * 1024)], rss,
                $"memory {what}'s GC held committed after its last collection (inside the anonymous part; its /metrics); {against}"));
        }
        else
        {
            Log($"{name} serves no /metrics (Telemetry:Metrics is off): no {prefix}_gc_committed_mb");
        }
    }

    /// <summary>
    /// The value of the first series of <paramref name="metric"/> on a host's /metrics (Prometheus text), or null when the
    /// host serves no /metrics (404: <c>Telemetry:Metrics</c> switched off, as the cost scenario and a person may run it).
    /// </summary>
    public async Task<double?> MetricValue(Uri host, string metric)
    {
        using var response = await Http.GetAsync(new Uri(host, "/metrics"));
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        var text = await response.Content.ReadAsStringAsync();
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(metric, StringComparison.Ordinal) && l.Length > metric.Length && l[metric.Length] is '{' or ' ')
            ?? throw new InvalidOperationException($"{host}metrics has no {metric}");
        // "name{labels} value [timestamp]"
        var afterLabels = line[(line.LastIndexOf('}') is var brace and >= 0 ? brace + 1 : metric.Length)..];
        return double.Parse(afterLabels.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// What the processes serving one measured URL spent: milliseconds of CPU per 2xx answer, each process's share named in
    /// its line, and how busy the machine's cores were meanwhile. Where CPU per answer is what a throughput ratio is limited by
    /// (the cores busy throughout), these figures are that limit, measured.
    /// </summary>
    public void AddCpu(string resource, int connections, string suffix, string what, List<Wrk> measured)
    {
        var runs = measured.Where(r => r.Cpu is not null).ToList();
        if (runs.Count == 0)
        {
            return;
        }

        var shares = runs.SelectMany(r => r.Cpu!.Processes.Keys).Distinct()
            .Select(name => (Name: name, Ms: Figure.Median(runs.Select(r => r.Cpu!.Processes.GetValueOrDefault(name) * 1000 / Math.Max(1, r.Requests - r.Non2xx)))))
            .Where(p => p.Ms >= 0.0005)
            .OrderByDescending(p => p.Ms);
        Add(Figure.Of($"{resource}_cpu_ms_c{connections}{suffix}", "ms", [.. runs.Select(r => r.CpuMillisecondsPerAnswer)], null,
            $"CPU per 2xx answer of {what}, over the processes that serve it: {string.Join(", ", shares.Select(p => $"{p.Name} {p.Ms:0.000}"))} (medians, ms)"));
        Add(Figure.Of($"{resource}_busy_pct_c{connections}{suffix}", "%", [.. runs.Select(r => r.Cpu!.BusyPercent)], null,
            $"share of the machine's cores busy (anyone's, the load generator's too) while {what} ran"));
    }

    /// <summary>
    /// Throughput (2xx answers per second), p50 and p99 of one measured URL, each beside its reference. A run that saw
    /// any non-2xx answer or socket error fails the throughput figure, and says how many.
    /// </summary>
    public void AddLoad(string resource, int connections, string suffix, string what, List<Wrk> measured, List<Wrk>? reference, string referenceWhat)
    {
        var problems = measured.Sum(r => r.Problems);
        var failed = problems > 0
            ? $"{problems} of {measured.Sum(r => r.Requests)} answers were not 2xx ({measured.Sum(r => r.Non2xx)} non-2xx; {measured.Sum(r => r.SocketErrors)} socket errors: {string.Join(", ", measured.Where(r => r.SocketErrors > 0).Select(r => r.SocketErrorKinds))}); " +
                $"meanwhile: {StackEvents(measured.Where(r => r.Problems > 0).Select(r => r.Window))}"
            : null;
        var against = reference is null ? "" : $"; reference: {referenceWhat}";
        Add(Figure.Of($"{resource}_rps_c{connections}{suffix}", "req/s", [.. measured.Select(r => r.OkPerSecond)], Median(reference, r => r.OkPerSecond),
            $"{what}, 2xx answers per second{against}", failed));
        Add(Figure.Of($"{resource}_p50_ms_c{connections}{suffix}", "ms", [.. measured.Select(r => r.P50Milliseconds)], Median(reference, r => r.P50Milliseconds), $"p50 of {what}{against}"));
        Add(Figure.Of($"{resource}_p99_ms_c{connections}{suffix}", "ms", [.. measured.Select(r => r.P99Milliseconds)], Median(reference, r => r.P99Milliseconds), $"p99 of {what}{against}"));
    }

    /// <summary>
    /// What the stack logged during <paramref name="windows"/> that can fail requests through the front door: the edge
    /// changing nginx's upstream (a reload closes idle keep-alive connections) and Consul checks failing or turning
    /// critical. Read from the run folder's logs, so that a failed figure names its cause, or says none was logged.
    /// </summary>
    private string StackEvents(IEnumerable<(DateTime Start, DateTime End)> windows)
    {
        var spans = windows.ToList();
        bool During(DateTime at) => spans.Any(w => at >= w.Start && at <= w.End);
        var events = new List<(DateTime At, string What)>();
        var logs = Path.Combine(Stack.Run, "logs");
        foreach (var line in ReadLines(Path.Combine(logs, "edge.log")).Where(l => l.Contains("the upstream is", StringComparison.Ordinal)))
        {
            if (line.Length > 13 && TimeSpan.TryParseExact(line[..12], @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture, out var time))
            {
                events.Add((DateTime.Today + time, "edge: " + line[(line.IndexOf("Consul lists", StringComparison.Ordinal) is >= 0 and var at ? at : 13)..]));
            }
        }

        foreach (var line in ReadLines(Path.Combine(logs, "consul.log")).Where(l => l.Contains("Check", StringComparison.Ordinal) && l.Contains("critical", StringComparison.Ordinal)))
        {
            var stamp = line.TrimStart();
            if (stamp.Length > 24 && DateTime.TryParse(stamp[..24], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var utc))
            {
                events.Add((utc.ToLocalTime(), "consul: " + stamp[(stamp.IndexOf("agent:", StringComparison.Ordinal) is >= 0 and var at ? at + 7 : 24)..]));
            }
        }

        var during = events.Where(e => During(e.At)).OrderBy(e => e.At).Select(e => $"{e.At:HH:mm:ss.fff} {e.What}").ToList();
        return during.Count == 0 ? "no upstream change or failed Consul check was logged" : string.Join("; ", during.Take(8));
    }

    private static IEnumerable<string> ReadLines(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        // The stack is still writing: open for reading beside it.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>
    /// Takes down whatever stack of the bench's own is up, clears its run folder, and starts a new one; returns the
    /// seconds from invoking <c>./autopilot up</c> to the first 200 of /customers through the front door.
    /// </summary>
    public async Task<double> FreshStack(int silos, int gateways)
    {
        if (Directory.Exists(Stack.Run))
        {
            await Stack.Invoke("down");
            Directory.Delete(Stack.Run, recursive: true);
        }

        Log($"starting a stack of {silos} silo(s) and {gateways} gateways");
        return await TimedUp(Stack.UpArguments(silos, gateways));
    }

    /// <summary>Seconds from invoking <c>./autopilot</c> with <paramref name="arguments"/> to the first 200 of /customers.</summary>
    public async Task<double> TimedUp(params string[] arguments)
    {
        var clock = Stopwatch.StartNew();
        await Stack.Invoke(arguments);
        await Poll.SecondsUntil(() => Serves(new Uri(Front, "/customers")), TimeSpan.FromMinutes(2), "the first 200 of /customers");
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Before anything is measured through the front door: it must be nginx, not the edge's YARP fallback.</summary>
    public async Task EnsureTheEdgeIsNginx()
    {
        var health = await Http.GetFromJsonAsync<JsonElement>(new Uri(Front, "/health"));
        var by = health.TryGetProperty("by", out var value) ? value.GetString() : null;
        if (by != "nginx")
        {
            throw new InvalidOperationException($"the front door's /health says it is served by '{by}', not nginx: the figures would not be the stack's");
        }
    }

    /// <summary>
    /// Creates customers through the front door (or <paramref name="front"/>, the peer's), <paramref name="parallel"/> at a
    /// time; counts those not acknowledged.
    /// </summary>
    public async Task<(int Failed, TimeSpan Took)> CreateCustomers(IEnumerable<int> numbers, int parallel = 32, string location = "Springfield", Uri? front = null)
    {
        var failed = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(numbers, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, token) =>
        {
            try
            {
                using var response = await Http.PutAsJsonAsync(new Uri(front ?? Front, CustomerPath(i)), new { location }, token);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failed);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref failed);
            }
        });
        return (failed, clock.Elapsed);
    }

    /// <summary>Whether <paramref name="url"/> answers 2xx now; the answer is disposed, so a poll holds no connection.</summary>
    public async Task<bool> Serves(Uri url)
    {
        using var response = await Http.GetAsync(url);
        return response.IsSuccessStatusCode;
    }

    /// <summary>The benchmark's own customers: "Bench Co 1", "Bench Co 2", ...</summary>
    public static string CustomerPath(int i) => $"/customers/Bench%20Co%20{i}";

    /// <summary>Activations per active silo, as /cluster reports them.</summary>
    public async Task<Dictionary<string, int>> Activations()
    {
        var cluster = await Http.GetFromJsonAsync<JsonElement>(new Uri(Front, "/cluster"));
        return cluster.GetProperty("silos").EnumerateArray()
            .Where(s => s.GetProperty("status").GetString() == "Active")
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("activations").GetInt32());
    }

    /// <summary>Which silo hosts each of the given customers (the row's <c>source</c>).</summary>
    public async Task<Dictionary<int, string>> Hosts(IEnumerable<int> numbers)
    {
        var hosts = new Dictionary<int, string>();
        foreach (var i in numbers)
        {
            var row = await Http.GetFromJsonAsync<JsonElement>(new Uri(Front, CustomerPath(i)));
            hosts[i] = row.GetProperty("source").GetString()!;
        }

        return hosts;
    }

    /// <summary>Runs redis-cli against the stack's Redis; returns what it printed.</summary>
    public async Task<string> RedisCli(params string[] arguments)
    {
        var what = $"redis-cli {string.Join(' ', arguments)}";
        var start = Programs.Start("redis-cli", ["-h", "127.0.0.1", "-p", $"{Stack.Ports.Redis}", .. arguments]);
        // The stack's Redis asks for its password (a secret of the bench's run folder); redis-cli reads it from here, not its arguments.
        start.Environment["REDISCLI_AUTH"] = File.ReadAllText(new RunFolder(Stack.Run).Secret(StackTopology.RedisPasswordSecret)).Trim();
        var output = await Programs.RunAsync(start, what);
        return output.StartsWith("ERR", StringComparison.Ordinal) ? throw new InvalidOperationException($"{what}: {output}") : output;
    }

    public void Dispose()
    {
        statics?.Dispose();
        Http.Dispose();
    }

    private static double? Median(List<Wrk>? runs, Func<Wrk, double> value) => runs is null ? null : Figure.Median(runs.Select(value));
}
