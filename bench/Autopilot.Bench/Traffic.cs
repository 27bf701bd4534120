using System.Diagnostics;

namespace Autopilot.Bench;

/// <summary>
/// Steady background reads through the front door during an event (a gateway joining or leaving, a silo joining,
/// a silo killed), counting the requests that failed. Four sequential loops, each request bounded by 15 s.
/// </summary>
public sealed class Traffic : IAsyncDisposable
{
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(15) };
    private readonly CancellationTokenSource stop = new();
    private readonly Task[] loops;
    private readonly List<string> reasons = [];
    private int requests;
    private int failures;

    public Traffic(Uri front, IReadOnlyList<string> paths)
    {
        loops = [.. Enumerable.Range(0, 4).Select(_ => Task.Run(() => Loop(front, paths)))];
    }

    public (int Requests, int Failures) Counts => (Volatile.Read(ref requests), Volatile.Read(ref failures));

    /// <summary>What the first few failures were, for the report.</summary>
    public string Reasons
    {
        get
        {
            lock (reasons)
            {
                return reasons.Count == 0 ? "" : $" (first failures: {string.Join("; ", reasons)})";
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        stop.Dispose();
        http.Dispose();
    }

    private async Task Loop(Uri front, IReadOnlyList<string> paths)
    {
        var clock = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested && clock.Elapsed < TimeSpan.FromMinutes(20))
        {
            try
            {
                using var response = await http.GetAsync(new Uri(front, paths[Random.Shared.Next(paths.Count)]), stop.Token);
                if (!response.IsSuccessStatusCode)
                {
                    Failed($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Failed($"{e.GetType().Name}: {e.Message}");
            }

            Interlocked.Increment(ref requests);
            // About 200 requests a second in all: enough to see a failure, too few to be a load.
            await Task.Delay(20, CancellationToken.None);
        }
    }

    private void Failed(string reason)
    {
        Interlocked.Increment(ref failures);
        lock (reasons)
        {
            if (reasons.Count < 3)
            {
                reasons.Add(reason.Length > 200 ? reason[..200] : reason);
            }
        }
    }
}
