namespace Autopilot.Edge;

/// <summary>
/// Applies what the watcher publishes, coalescing bursts: after a change it waits until no further change came for
/// <see cref="EdgeOptions.Quiescence"/>, or <see cref="EdgeOptions.MaxDelay"/> has passed since the first, then applies only
/// the latest set. Scaling ten gateways at once is one or two reloads, not ten.
/// </summary>
public sealed partial class UpstreamApplier(
    UpstreamChanges changes,
    IUpstreamSink sink,
    EdgeOptions options,
    EdgeStatus status,
    TimeProvider time,
    ILogger<UpstreamApplier> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = changes.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                reader.TryRead(out var latest);
                var deadline = time.GetUtcNow() + options.MaxDelay;
                var coalesced = 1;
                while (true)
                {
                    var left = deadline - time.GetUtcNow();
                    var quiet = options.Quiescence < left ? options.Quiescence : left;
                    if (quiet <= TimeSpan.Zero)
                    {
                        break;
                    }

                    using var wait = new CancellationTokenSource(quiet, time);
                    using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, wait.Token);
                    try
                    {
                        await reader.WaitToReadAsync(linked.Token);
                        while (reader.TryRead(out var newer))
                        {
                            latest = newer;
                            coalesced++;
                        }
                    }
                    catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                    {
                        break;
                    }
                }

                if (await sink.ApplyAsync(latest!, stoppingToken))
                {
                    status.Applied(latest!);
                    EdgeMetrics.UpstreamSize(latest!.Count);
                    LogApplied(logger, sink.Name, latest!.Count, coalesced);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Sink} now sends to {Count} gateway(s) ({Changes} change(s) coalesced)")]
    private static partial void LogApplied(ILogger logger, string sink, int count, int changes);
}
