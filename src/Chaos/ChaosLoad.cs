using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Autopilot.Chaos;

/// <summary>
/// A bounded load for the checkers: it reads and writes a few customers and reps of its own through the front door (every
/// write with a value never written before), and gives reps clients, recording every operation in a <see cref="History"/>.
/// Either a few workers each wait for an answer before the next request (closed loop), or requests go out at a fixed rate
/// whatever the answers (<see cref="OpenLoop"/>), so that a stuck request does not hold back the next one. Every answer's
/// <c>source</c> (the silo that hosts the record) is kept, so that figures can be split by where a key lived
/// (<see cref="SourceAt"/>). <see cref="FinishAsync"/> stops it, reads every key once more as its final value, and checks
/// the history (<see cref="RegisterChecker"/>) and the links between reps and customers (<see cref="LinkChecker"/>). It
/// stops by itself after <see cref="MaxDuration"/> or <see cref="MaxOperations"/>.
/// <para>
/// An answer's meaning follows the API's contract: a 200 is acknowledged (a 404 to a read: no record); a 4xx or a 503 says
/// the request did not run; a 502, a 504, a 500, a timeout or a lost connection leave a write's outcome unknown.
/// </para>
/// </summary>
public sealed class ChaosLoad : IAsyncDisposable
{
    public const int MaxOperations = 100_000;
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(15);

    /// <summary>How long <see cref="FinishAsync"/> keeps asking for a key's final value while it is refused.</summary>
    public static readonly TimeSpan FinalReadsWithin = TimeSpan.FromMinutes(2);

    private readonly HttpClient http;
    private readonly CancellationTokenSource stop = new(MaxDuration);
    private readonly List<Reassignment> reassignments = [];
    private readonly Dictionary<string, List<(TimeSpan At, string Source)>> sources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> clients = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, string[]> touches = new();
    private readonly Task[] workers;
    private int operations;

    /// <summary>Starts <paramref name="workers"/> workers on <paramref name="customers"/> customers and <paramref name="reps"/> reps named after <paramref name="prefix"/>.</summary>
    public ChaosLoad(Uri front, string prefix, int customers = 6, int reps = 3, int workers = 4, TimeSpan pause = default)
        : this(front, prefix, customers, reps)
    {
        this.workers = [.. Enumerable.Range(0, workers).Select(i => Task.Run(() => Work(new Random(i), pause == default ? TimeSpan.FromMilliseconds(20) : pause)))];
    }

    private ChaosLoad(Uri front, string prefix, int customers, int reps, double rate)
        : this(front, prefix, customers, reps)
    {
        workers = [Task.Run(() => Pace(new Random(0), rate))];
    }

    private ChaosLoad(Uri front, string prefix, int customers, int reps)
    {
        // No limit on connections: in an open loop, a request stuck on a sick silo must not hold a connection others wait for.
        http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { BaseAddress = front, Timeout = RequestTimeout };
        Customers = [.. Enumerable.Range(1, customers).Select(i => $"{prefix} Co {i}")];
        Reps = [.. Enumerable.Range(1, reps).Select(i => $"{prefix} Rep {i}")];
        workers = [];
    }

    /// <summary>How long a request waits for its answer: longer than the API's own deadline, so that its answer (a 504) comes first.</summary>
    public static TimeSpan RequestTimeout { get; } = TimeSpan.FromSeconds(30);

    public History History { get; } = new();

    /// <summary>Keys (<c>customer/…</c>, <c>rep/…</c>) as the history names them.</summary>
    public IEnumerable<string> Keys => Customers.Select(CustomerKey).Concat(Reps.Select(RepKey));

    public IReadOnlyList<string> Customers { get; }

    public IReadOnlyList<string> Reps { get; }

    /// <summary>
    /// Starts an open loop: <paramref name="rate"/> requests a second, each sent on time whatever became of the ones before
    /// (bounded by <see cref="MaxOperations"/> and <see cref="MaxDuration"/> like the closed loop).
    /// </summary>
    public static ChaosLoad OpenLoop(Uri front, string prefix, double rate, int customers = 24, int reps = 6) =>
        rate is > 0 and <= 1000 ? new ChaosLoad(front, prefix, customers, reps, rate) : throw new ArgumentOutOfRangeException(nameof(rate), rate, "between 0 and 1000 a second");

    /// <summary>The silo that last answered for <paramref name="key"/> at or before <paramref name="at"/> (the history's clock), or null if none had yet.</summary>
    public string? SourceAt(string key, TimeSpan at)
    {
        lock (sources)
        {
            return sources.TryGetValue(key, out var answers) ? answers.LastOrDefault(a => a.At <= at).Source : null;
        }
    }

    /// <summary>Which silo answered for <paramref name="key"/> and when (the history's clock), a change at a time: what a violation's report shows.</summary>
    public IReadOnlyList<(TimeSpan At, string Source)> SourceChanges(string key)
    {
        lock (sources)
        {
            return sources.TryGetValue(key, out var answers)
                ? [.. answers.Where((a, i) => i == 0 || answers[i - 1].Source != a.Source)]
                : [];
        }
    }

    /// <summary>
    /// The other keys an operation writes besides its own: a rep's write also writes its new client and the client it had
    /// (as last answered) when it was sent.
    /// </summary>
    public IReadOnlyList<string> Touches(Operation operation) => touches.TryGetValue(operation.Id, out var keys) ? keys : [];

    /// <summary>Stops the load, reads every key's final value, and checks the whole history.</summary>
    public async Task<ChaosVerdict> FinishAsync()
    {
        await StopAsync();
        var customerRep = new Dictionary<string, string?>(StringComparer.Ordinal);
        var repClient = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var customer in Customers)
        {
            customerRep[customer] = (await FinalRead(CustomerKey(customer), CustomerPath(customer), "location", "rep", "repSource"))?["rep"]?.GetValue<string>();
        }

        foreach (var rep in Reps)
        {
            repClient[rep] = (await FinalRead(RepKey(rep), RepPath(rep), "phone", "client", "territorySource"))?["client"]?.GetValue<string>();
        }

        var history = History.Operations;
        List<Reassignment> moves;
        lock (reassignments)
        {
            moves = [.. reassignments];
        }

        return new ChaosVerdict(history, [.. RegisterChecker.Check(history), .. LinkChecker.Check(customerRep, repClient, moves)]);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        http.Dispose();
        stop.Dispose();
    }

    private static string CustomerKey(string name) => $"customer/{name}";

    private static string RepKey(string name) => $"rep/{name}";

    private static string CustomerPath(string name) => $"/customers/{Uri.EscapeDataString(name)}";

    private static string RepPath(string name) => $"/sales/{Uri.EscapeDataString(name)}";

    private async Task StopAsync()
    {
        await stop.CancelAsync();
        await Task.WhenAll(workers);
    }

    private async Task Work(Random random, TimeSpan pause)
    {
        while (!stop.IsCancellationRequested && Interlocked.Increment(ref operations) <= MaxOperations)
        {
            await One(random);
            try
            {
                await Task.Delay(pause, stop.Token);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }
    }

    // The open loop: the n-th request leaves n / rate seconds after the start, whether or not the ones before were answered.
    private async Task Pace(Random random, double rate)
    {
        var inFlight = new List<Task>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (long n = 0; !stop.IsCancellationRequested && Interlocked.Increment(ref operations) <= MaxOperations; n++)
        {
            var due = TimeSpan.FromSeconds(n / rate) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(due, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            inFlight.Add(One(random));
            if (inFlight.Count >= 1_000)
            {
                inFlight.RemoveAll(t => t.IsCompleted);
            }
        }

        await Task.WhenAll(inFlight);
    }

    private Task One(Random random)
    {
        var customer = Customers[random.Next(Customers.Count)];
        var rep = Reps[random.Next(Reps.Count)];
        switch (random.Next(10))
        {
            case < 3:
                return Read(CustomerKey(customer), CustomerPath(customer), "location", final: false);
            case < 6:
                return Write(CustomerKey(customer), CustomerPath(customer), value => new JsonObject { ["location"] = value }, id => $"Where {id}");
            case < 8:
                return Read(RepKey(rep), RepPath(rep), "phone", final: false);
            default:
                var client = random.Next(4) == 0 ? null : Customers[random.Next(Customers.Count)];
                return Write(RepKey(rep), RepPath(rep), value => new JsonObject { ["phone"] = value, ["client"] = client }, id => $"555 {id}", (rep, client));
        }
    }

    private void Answered(string key, JsonNode? record)
    {
        if (key.StartsWith("rep/", StringComparison.Ordinal) && record is not null)
        {
            lock (clients)
            {
                clients[key] = record["client"]?.GetValue<string>();
            }
        }

        if (record?["source"]?.GetValue<string>() is { } source)
        {
            lock (sources)
            {
                if (!sources.TryGetValue(key, out var answers))
                {
                    sources[key] = answers = [];
                }

                answers.Add((History.Now, source));
            }
        }
    }

    // The record read, or null when there is none; ok is false when the read was refused or had no answer.
    private async Task<(bool Ok, JsonNode? Record)> Read(string key, string path, string field, bool final)
    {
        var operation = History.Invoke(key, OperationKind.Read, final: final);
        try
        {
            using var answer = await http.GetAsync(path, CancellationToken.None);
            var status = (int)answer.StatusCode;
            if (answer.StatusCode == HttpStatusCode.OK)
            {
                var record = JsonNode.Parse(await answer.Content.ReadAsStringAsync());
                operation.Ok(status, record?[field]?.GetValue<string>());
                Answered(key, record);
                return (true, record);
            }

            if (answer.StatusCode == HttpStatusCode.NotFound)
            {
                operation.Ok(status);
                return (true, null);
            }

            operation.Failed(status);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            operation.Indeterminate(null);
        }

        return (false, null);
    }

    private async Task Write(string key, string path, Func<string, JsonObject> body, Func<int, string> valueOf, (string Rep, string? Client)? move = null)
    {
        var operation = History.InvokeWrite(key, valueOf);
        if (move is { } moving)
        {
            string? had;
            lock (clients)
            {
                had = clients.GetValueOrDefault(key);
            }

            touches[operation.Id] = [.. new[] { moving.Client, had }.OfType<string>().Distinct(StringComparer.Ordinal).Select(CustomerKey)];
        }

        Operation done;
        try
        {
            using var answer = await http.PutAsJsonAsync(path, body(operation.Written!), CancellationToken.None);
            var status = (int)answer.StatusCode;
            done = status switch
            {
                200 => operation.Ok(status),
                503 or (>= 400 and < 500) => operation.Failed(status),
                _ => operation.Indeterminate(status),
            };
            if (status == 200)
            {
                Answered(key, JsonNode.Parse(await answer.Content.ReadAsStringAsync()));
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            done = operation.Indeterminate(null);
        }

        if (move is { } m)
        {
            lock (reassignments)
            {
                reassignments.Add(new Reassignment(m.Rep, m.Client, done.Invoked, done.Completed, done.Outcome));
            }
        }
    }

    // The value a key ends with, read again while it is refused or its link is unconfirmed (a link with no source: the other
    // end did not answer in time), so that the checkers compare links both ends confirmed.
    private async Task<JsonNode?> FinalRead(string key, string path, string field, string link, string linkSource)
    {
        var until = History.Now + FinalReadsWithin;
        while (true)
        {
            var (ok, record) = await Read(key, path, field, final: true);
            if (ok && (record?[link] is null || record[linkSource] is not null))
            {
                return record;
            }

            if (History.Now > until)
            {
                throw new InvalidOperationException($"{key} could not be read for its final value within {FinalReadsWithin.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s" +
                    (ok ? $" (its {link} stayed unconfirmed)" : ""));
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }
}
