using System.Diagnostics;

namespace Autopilot.Stack.Traffic;

/// <summary>
/// A steady, bounded stream of reads through the front door, one at a time, recording every failure with when it
/// happened; with a write prefix, every fourth request creates a new customer instead, and each one acknowledged (200) is
/// remembered so that a test can read every acknowledged write back. It stops by itself after <see cref="MaxRequests"/>
/// requests or <see cref="MaxDuration"/>. It is a careful client: a request whose keep-alive connection nginx closed as it
/// went out is sent again (<see cref="ResendOnClosedIdleConnection"/>, counted in <see cref="Resent"/>); every other
/// failure is recorded. The demo, the system tests and the bench share it.
/// </summary>
public sealed class RequestLoop : IAsyncDisposable
{
    public const int MaxRequests = 200_000;
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(10);

    private readonly ResendOnClosedIdleConnection resending = new();
    private readonly HttpClient http;
    private readonly IReadOnlyList<string> paths;
    private readonly CancellationTokenSource stop = new();
    private readonly List<(TimeSpan At, TimeSpan Sent, string What)> failures = [];
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly List<(string Company, string Location)> acknowledged = [];
    private readonly Dictionary<string, TimeSpan> acknowledgedAt = new(StringComparer.Ordinal);
    private readonly List<TimeSpan> successes = [];
    private readonly string? writePrefix;
    private readonly TimeSpan pause;
    private readonly Task loop;
    private int requests;

    /// <summary>Starts the loop; <paramref name="pause"/> is the wait after each request (zero: as fast as one connection goes).</summary>
    public RequestLoop(Uri front, IReadOnlyList<string> paths, string? writePrefix = null, TimeSpan pause = default)
    {
        http = new HttpClient(resending) { BaseAddress = front, Timeout = TimeSpan.FromSeconds(30) };
        this.paths = paths;
        this.writePrefix = writePrefix;
        this.pause = pause;
        loop = Task.Run(RunAsync);
    }

    /// <summary>The customers whose creation was acknowledged with a 200, and their locations.</summary>
    public IReadOnlyList<(string Company, string Location)> Acknowledged
    {
        get
        {
            lock (acknowledged)
            {
                return [.. acknowledged];
            }
        }
    }

    /// <summary>When the write of <paramref name="company"/> was acknowledged, on this loop's clock.</summary>
    public TimeSpan AcknowledgedAt(string company)
    {
        lock (acknowledged)
        {
            return acknowledgedAt[company];
        }
    }

    /// <summary>The longest stretch between <paramref name="from"/> and the first success after <paramref name="to"/> in which no request succeeded.</summary>
    public TimeSpan LongestGapWithoutSuccess(TimeSpan from, TimeSpan to)
    {
        lock (successes)
        {
            var after = successes.FirstOrDefault(s => s > to);
            var points = successes.Where(s => s > from && s <= to).Prepend(from).Append(after == default ? Now : after).ToList();
            return points.Zip(points.Skip(1), (a, b) => b - a).Max();
        }
    }

    public int FailureCount
    {
        get
        {
            lock (failures)
            {
                return failures.Count;
            }
        }
    }

    /// <summary>
    /// Reads every acknowledged write back through <paramref name="front"/>, <see cref="ReadBackParallelism"/> at a time, as
    /// a careful client (<see cref="CarefulRead"/>); returns those missing or different.
    /// </summary>
    public async Task<List<string>> LostWrites(HttpClient front)
    {
        var lost = new List<string>();
        await Parallel.ForEachAsync(Acknowledged, new ParallelOptions { MaxDegreeOfParallelism = ReadBackParallelism }, async (write, token) =>
        {
            var (response, _) = await CarefulRead.GetAsync(front, $"/customers/{Uri.EscapeDataString(write.Company)}", ReadBackAskAgainFor, token);
            using var answered = response;
            var body = await response.Content.ReadAsStringAsync(token);
            if (!response.IsSuccessStatusCode || !body.Contains($"\"location\":\"{write.Location}\"", StringComparison.Ordinal))
            {
                lock (lost)
                {
                    lost.Add($"{write.Company}: {(int)response.StatusCode} {body}");
                }
            }
        });

        return lost;
    }

    /// <summary>How many reads a read-back of acknowledged writes keeps in flight: one at a time, 3,000 took 30 s of a test.</summary>
    public const int ReadBackParallelism = 8;

    /// <summary>How long one read of a read-back is asked again while it is refused (503, 429) before its refusal counts as a lost write.</summary>
    public static readonly TimeSpan ReadBackAskAgainFor = TimeSpan.FromMinutes(1);

    public TimeSpan Now => clock.Elapsed;

    public int Requests => Volatile.Read(ref requests);

    /// <summary>How many requests went out twice because nginx closed their keep-alive connection as they were sent (<see cref="ResendOnClosedIdleConnection"/>).</summary>
    public int Resent => resending.Resent;

    /// <summary>The failures that happened (were answered or gave up) between <paramref name="from"/> and <paramref name="to"/>.</summary>
    public IReadOnlyList<(TimeSpan At, TimeSpan Sent, string What)> FailuresBetween(TimeSpan from, TimeSpan to)
    {
        lock (failures)
        {
            return [.. failures.Where(f => f.At >= from && f.At <= to)];
        }
    }

    /// <summary>
    /// The failures of the requests sent between <paramref name="from"/> and <paramref name="to"/>, whenever they failed: a
    /// request sent during a crash that fails after it belongs to the crash. Wait for <see cref="AfterMore"/>(1) first, so
    /// that the request in flight at <paramref name="to"/> has ended.
    /// </summary>
    public IReadOnlyList<(TimeSpan At, TimeSpan Sent, string What)> FailuresSentBetween(TimeSpan from, TimeSpan to)
    {
        lock (failures)
        {
            return [.. failures.Where(f => f.Sent >= from && f.Sent <= to)];
        }
    }

    /// <summary>When the last failure happened, if any.</summary>
    public TimeSpan? LastFailure()
    {
        lock (failures)
        {
            return failures.Count == 0 ? null : failures[^1].At;
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> more requests have been made.</summary>
    public async Task AfterMore(int count)
    {
        var target = Requests + count;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (Requests < target && !loop.IsCompleted)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the request loop made fewer than {count} requests in two minutes");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await loop;
        stop.Dispose();
        http.Dispose();
    }

    private async Task RunAsync()
    {
        while (!stop.IsCancellationRequested && requests < MaxRequests && clock.Elapsed < MaxDuration)
        {
            var write = writePrefix is not null && requests % 4 == 3;
            var company = $"{writePrefix} {requests}";
            var path = write ? $"/customers/{Uri.EscapeDataString(company)}" : paths[Random.Shared.Next(paths.Count)];
            var sent = clock.Elapsed;
            try
            {
                using var response = write
                    ? await http.PutAsync(path, new StringContent($"{{\"location\":\"Loop {requests}\"}}", System.Text.Encoding.UTF8, "application/json"), stop.Token)
                    : await http.GetAsync(path, stop.Token);
                if (!response.IsSuccessStatusCode)
                {
                    Fail(sent, $"{(write ? "PUT" : "GET")} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
                else
                {
                    lock (successes)
                    {
                        successes.Add(clock.Elapsed);
                    }

                    if (write)
                    {
                        lock (acknowledged)
                        {
                            acknowledged.Add((company, $"Loop {requests}"));
                            acknowledgedAt[company] = clock.Elapsed;
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // The inner exceptions say what the connection did (reset, closed before the answer, refused).
                var causes = string.Concat(Causes(e.InnerException).Select(c => $" <- {c.GetType().Name}: {c.Message}"));
                Fail(sent, $"{path}: {e.GetType().Name} {e.Message}{causes}");
            }

            Interlocked.Increment(ref requests);
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, CancellationToken.None);
            }
        }
    }

    private static IEnumerable<Exception> Causes(Exception? inner)
    {
        for (; inner is not null; inner = inner.InnerException)
        {
            yield return inner;
        }
    }

    private void Fail(TimeSpan sent, string what)
    {
        lock (failures)
        {
            failures.Add((clock.Elapsed, sent, what));
        }
    }
}
