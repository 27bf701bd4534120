using System.Diagnostics;
using Autopilot.Stack.Traffic;

namespace Autopilot.Stack.Demo;

/// <summary>
/// The steady load the demo keeps on the front door: a loop of reads and writes (each write a new customer, remembered
/// when acknowledged), and once the demo's customers exist, a loop of reads over them. Each step is measured between two
/// marks: the requests sent in it, their failures, and the writes acknowledged in it, read back at its end.
/// </summary>
public sealed class DemoLoad(Uri front, HttpClient reader) : IAsyncDisposable
{
    private readonly RequestLoop writes = new(front, ["/customers?limit=20", "/sales", "/customers/ACME%20Corporation", "/sales/Alice"], writePrefix: "Demo Write", pause: TimeSpan.FromMilliseconds(10));
    private RequestLoop? reads;

    public int Requests => writes.Requests + (reads?.Requests ?? 0);

    public int Failures => writes.FailureCount + (reads?.FailureCount ?? 0);

    /// <summary>Starts reading <paramref name="paths"/> too (the demo's customers, once they exist).</summary>
    public void AlsoRead(IReadOnlyList<string> paths) => reads ??= new RequestLoop(front, paths, pause: TimeSpan.FromMilliseconds(10));

    public Mark MarkNow() => new(writes.Now, reads?.Now, Requests);

    /// <summary>
    /// What the requests sent between <paramref name="mark"/> and <paramref name="end"/> did, once each of them has ended:
    /// their count, their failures (a request sent during a crash that fails after it counts for the crash, not for the
    /// next step), and the writes acknowledged since <paramref name="mark"/>.
    /// </summary>
    public async Task<(int Requests, IReadOnlyList<string> Failures, IReadOnlyList<(string Company, string Location)> Acknowledged)> Between(Mark mark, Mark end)
    {
        // Each loop sends one request at a time: once it has made one more, the one in flight at the end has ended.
        await writes.AfterMore(1);
        if (reads is not null)
        {
            await reads.AfterMore(1);
        }

        var failures = writes.FailuresSentBetween(mark.Writes, end.Writes).Select(f => f.What)
            .Concat(reads is null ? [] : reads.FailuresSentBetween(mark.Reads ?? TimeSpan.Zero, end.Reads ?? reads.Now).Select(f => f.What)).ToList();
        var acknowledged = writes.Acknowledged.Where(a => writes.AcknowledgedAt(a.Company) >= mark.Writes).ToList();
        return (end.Requests - mark.Requests, failures, acknowledged);
    }

    /// <summary>Reads each write back through the front door, as a careful client (<see cref="CarefulRead"/>: a 503 or 429 is asked again after its Retry-After, for up to a minute in all); returns those missing or changed.</summary>
    public async Task<IReadOnlyList<string>> Lost(IReadOnlyList<(string Company, string Location)> acknowledged)
    {
        var lost = new List<string>();
        var readBack = Stopwatch.StartNew();
        foreach (var (company, location) in acknowledged)
        {
            var (answer, _) = await CarefulRead.GetAsync(reader, $"/customers/{Uri.EscapeDataString(company)}", RequestLoop.ReadBackAskAgainFor - readBack.Elapsed, CancellationToken.None);
            using (answer)
            {
                var body = await answer.Content.ReadAsStringAsync();
                if (!answer.IsSuccessStatusCode || !body.Contains($"\"location\":\"{location}\"", StringComparison.Ordinal))
                {
                    lost.Add($"{company}: {(int)answer.StatusCode} {body}");
                }
            }
        }

        return lost;
    }

    public async ValueTask DisposeAsync()
    {
        await writes.DisposeAsync();
        if (reads is not null)
        {
            await reads.DisposeAsync();
        }
    }

    public sealed record Mark(TimeSpan Writes, TimeSpan? Reads, int Requests);
}
