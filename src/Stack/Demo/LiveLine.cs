using System.Globalization;

namespace Autopilot.Stack.Demo;

/// <summary>
/// The one line that shows what happens while the demo runs: requests ok and failed, activations per silo, and the silo
/// that served the last read of the watched customer. On a terminal it is redrawn in place twice a second; into a file
/// or a pipe it is written as a plain line every five seconds.
/// </summary>
public sealed class LiveLine : IAsyncDisposable
{
    private readonly DemoLoad load;
    private readonly HttpClient front;
    private readonly WatchedKey watched;
    private readonly CancellationTokenSource stop = new();
    private readonly bool terminal = !Console.IsOutputRedirected;
    private readonly Task loop;
    private readonly Lock gate = new();
    private string cluster = "";

    public LiveLine(DemoLoad load, HttpClient front, WatchedKey watched)
    {
        this.load = load;
        this.front = front;
        this.watched = watched;
        loop = Task.Run(RunAsync);
    }

    /// <summary>Writes a line of the story above the live line.</summary>
    public void Say(string text)
    {
        lock (gate)
        {
            Console.Out.WriteLine(terminal ? $"\r\u001b[2K{text}" : text);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await loop;
        if (terminal)
        {
            Say("");
        }

        stop.Dispose();
    }

    private string Text() => string.Create(CultureInfo.InvariantCulture,
        $"  ok {load.Requests - load.Failures}, failed {load.Failures} | activations {cluster} | {watched.Company} served by {watched.Source}");

    private async Task RunAsync()
    {
        var ticks = 0;
        while (!stop.IsCancellationRequested)
        {
            if (await ClusterGlance.Read(front) is { } glance)
            {
                cluster = glance.ToString();
            }

            lock (gate)
            {
                if (terminal)
                {
                    Console.Out.Write($"\r\u001b[2K{Text()}");
                }
                else if (ticks++ % 10 == 0)
                {
                    Console.Out.WriteLine(Text());
                }
            }

            try
            {
                await Task.Delay(500, stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
