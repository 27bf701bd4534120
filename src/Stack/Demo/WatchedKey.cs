using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Autopilot.Stack.Demo;

/// <summary>One customer the demo keeps reading (four times a second): which silo served the last read, and when it last answered.</summary>
public sealed class WatchedKey : IAsyncDisposable
{
    private readonly HttpClient front;
    private readonly CancellationTokenSource stop = new();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly Task loop;
    private readonly Lock gate = new();
    private string company;
    private string location = "";

    public WatchedKey(HttpClient front, string company)
    {
        this.front = front;
        this.company = company;
        loop = Task.Run(RunAsync);
    }

    public string Company => Volatile.Read(ref company);

    /// <summary>The silo that served the last successful read (<c>source</c>), or "-".</summary>
    public string Source { get; private set; } = "-";

    /// <summary>The location the last successful read returned: the record's state.</summary>
    public string Location => Volatile.Read(ref location);

    /// <summary>When the last read answered 200, on this watch's clock.</summary>
    public TimeSpan LastAnswer { get; private set; }

    public TimeSpan Now => clock.Elapsed;

    /// <summary>Watches <paramref name="other"/> from now on; an answer still in flight for the one before does not count for it.</summary>
    public void Watch(string other)
    {
        lock (gate)
        {
            Volatile.Write(ref company, other);
            Source = "-";
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await loop;
        stop.Dispose();
    }

    private async Task RunAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var asked = Company;
                using var response = await front.GetAsync($"/customers/{Uri.EscapeDataString(asked)}", stop.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(stop.Token));
                    lock (gate)
                    {
                        // The demo's crash step switched the watch while this read was out: its answer was the workshop's
                        // ACME Corporation, from a survivor, "0.0 s after the kill", with ACME's location.
                        if (asked == Company)
                        {
                            Source = document.RootElement.GetProperty("source").GetString() ?? "-";
                            Volatile.Write(ref location, document.RootElement.GetProperty("location").GetString() ?? "");
                            LastAnswer = clock.Elapsed;
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
            {
                // Counted by its absence: LastAnswer stops moving.
            }

            try
            {
                await Task.Delay(250, stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
