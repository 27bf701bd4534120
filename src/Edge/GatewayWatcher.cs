using Autopilot.Consul.Client;

namespace Autopilot.Edge;

/// <summary>
/// Follows the passing instances of the gateway service with Consul blocking queries (no fixed polling) and publishes each
/// new set (<see cref="UpstreamChanges"/>). On any error it keeps the last good set, publishes nothing, and backs off with
/// jitter, so a Consul outage never empties the upstream; when Consul comes back, and whenever a gateway's checks have not
/// run yet, <see cref="SettlePolicy"/> holds the upstream while the agent's checks settle.
/// </summary>
public sealed partial class GatewayWatcher(
    ConsulClient consul,
    EdgeOptions options,
    EdgeStatus status,
    UpstreamChanges changes,
    TimeProvider time,
    ILogger<GatewayWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ulong index = 0;
        var settle = new SettlePolicy(options.SettleAfterRecovery, time);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // While settling, wake up when it ends, to drop what Consul still does not list then.
                var settling = settle.Remaining;
                var wait = settling > TimeSpan.Zero && settling < options.WatchWait ? settling + TimeSpan.FromMilliseconds(100) : options.WatchWait;
                // Every instance, not only the passing ones: the settle rule tells one that deregistered from one whose checks
                // have not passed yet.
                var result = await consul.HealthService(options.Service, passingOnly: false, index, wait, stoppingToken);
                if (result.Index < index || failures > 0)
                {
                    // Consul came back (an index that goes backwards is a restarted agent; the watch restarts from zero).
                    settle.Recovered();
                    if (failures > 0)
                    {
                        LogRecovered(logger, failures, options.SettleAfterRecovery.TotalSeconds);
                    }
                }

                index = result.Index < index ? 0 : result.Index;
                failures = 0;
                status.Watching(true);
                // What Consul's ?passing=true lists: the instances whose checks (the node's among them) all pass; and those whose
                // checks have said nothing of them yet (GatewayChecks).
                var (passing, @unchecked, failing) = GatewayChecks.Sort(result.Value);
                if (settle.Next(passing, @unchecked, failing) is { } next)
                {
                    LogChanged(logger, passing.Count, next.Count, string.Join(", ", next));
                    changes.Publish(next);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException or ConsulException or System.Text.Json.JsonException)
            {
                failures++;
                index = 0;
                status.Watching(false);
                var backoff = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(failures, 6))))
                    * (0.5 + Random.Shared.NextDouble());
                LogWatchFailed(logger, failures, e.Message, backoff.TotalSeconds);
                await Task.Delay(backoff, time, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consul lists {Passing} passing gateway(s); the upstream is {Count}: {Gateways}")]
    private static partial void LogChanged(ILogger logger, int passing, int count, string gateways);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watching Consul failed ({Failures} in a row: {Reason}); keeping the last upstream, retrying in {Seconds:0.0} s")]
    private static partial void LogWatchFailed(ILogger logger, int failures, string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consul answers again after {Failures} failed watch(es); for {Seconds} s gateways it does not list yet are kept")]
    private static partial void LogRecovered(ILogger logger, int failures, double seconds);
}
