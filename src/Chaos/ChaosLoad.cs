using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Autopilot.Chaos;

/// <summary>
/// A bounded load for the checkers: a few workers read and write a few customers and reps of their own through the front
/// door (every write with a value never written before), and give reps clients, recording every operation in a
/// <see cref="History"/>. <see cref="FinishAsync"/> stops it, reads every key once more as its final value, and checks the
/// history (<see cref="RegisterChecker"/>) and the links between reps and customers (<see cref="LinkChecker"/>). It stops
/// by itself after <see cref="MaxDuration"/> or <see cref="MaxOperations"/>.
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
    private readonly Task[] workers;
    private int operations;

    /// <summary>Starts <paramref name="workers"/> workers on <paramref name="customers"/> customers and <paramref name="reps"/> reps named after <paramref name="prefix"/>.</summary>
    public ChaosLoad(Uri front, string prefix, int customers = 6, int reps = 3, int workers = 4, TimeSpan pause = default)
    {
        http = new HttpClient { BaseAddress = front, Timeout = TimeSpan.FromSeconds(30) };
        Customers = [.. Enumerable.Range(1, customers).Select(i => $"{prefix} Co {i}")];
        Reps = [.. Enumerable.Range(1, reps).Select(i => $"{prefix} Rep {i}")];
        this.workers = [.. Enumerable.Range(0, workers).Select(i => Task.Run(() => Work(new Random(i), pause == default ? TimeSpan.FromMilliseconds(20) : pause)))];
    }

    public History History { get; } = new();

    public IReadOnlyList<string> Customers { get; }

    public IReadOnlyList<string> Reps { get; }

    /// <summary>Stops the load, reads every key's final value, and checks the whole history.</summary>
    public async Task<ChaosVerdict> FinishAsync()
    {
        await StopAsync();
        var customerRep = new Dictionary<string, string?>(StringComparer.Ordinal);
        var repClient = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var customer in Customers)
        {
            customerRep[customer] = (await FinalRead(CustomerKey(customer), CustomerPath(customer), "location"))?["rep"]?.GetValue<string>();
        }

        foreach (var rep in Reps)
        {
            repClient[rep] = (await FinalRead(RepKey(rep), RepPath(rep), "phone"))?["client"]?.GetValue<string>();
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
            var customer = Customers[random.Next(Customers.Count)];
            var rep = Reps[random.Next(Reps.Count)];
            switch (random.Next(10))
            {
                case < 3:
                    await Read(CustomerKey(customer), CustomerPath(customer), "location", final: false);
                    break;
                case < 6:
                    await Write(CustomerKey(customer), CustomerPath(customer), value => new JsonObject { ["location"] = value }, id => $"Where {id}");
                    break;
                case < 8:
                    await Read(RepKey(rep), RepPath(rep), "phone", final: false);
                    break;
                default:
                    var client = random.Next(4) == 0 ? null : Customers[random.Next(Customers.Count)];
                    await Write(RepKey(rep), RepPath(rep), value => new JsonObject { ["phone"] = value, ["client"] = client }, id => $"555 {id}", (rep, client));
                    break;
            }

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

    private async Task<JsonNode?> FinalRead(string key, string path, string field)
    {
        var until = History.Now + FinalReadsWithin;
        while (true)
        {
            var (ok, record) = await Read(key, path, field, final: true);
            if (ok)
            {
                return record;
            }

            if (History.Now > until)
            {
                throw new InvalidOperationException($"{key} could not be read for its final value within {FinalReadsWithin.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }
}
