namespace Autopilot.Edge;

/// <summary>
/// Applies what the watcher publishes, coalescing bursts: after a change it waits until no further change came
/// for <see cref="EdgeOptions.Quiescence"/>, or <see cref="EdgeOptions.MaxDelay"/> has passed since the first,
/// then applies only the latest set. Scaling ten gateways at once is one or two reloads, not ten.
/// </summary>
public sealed partial class UpstreamApplier(
    GatewayWatcher watcher,
    IUpstreamSink sink,
    EdgeOptions options,
    EdgeStatus status,
    ILogger<UpstreamApplier> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var changes = watcher.Changes;
        try
        {
            while (await changes.WaitToReadAsync(stoppingToken))
            {
                changes.TryRead(out var latest);
                var deadline = DateTime.UtcNow + options.MaxDelay;
                var coalesced = 1;
                while (true)
                {
                    var quiet = options.Quiescence < deadline - DateTime.UtcNow ? options.Quiescence : deadline - DateTime.UtcNow;
                    if (quiet <= TimeSpan.Zero)
                    {
                        break;
                    }

                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    wait.CancelAfter(quiet);
                    try
                    {
                        await changes.WaitToReadAsync(wait.Token);
                        while (changes.TryRead(out var newer))
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
