using System.Threading.Channels;
using Autopilot.Consul.Client;

namespace Autopilot.Edge;

/// <summary>
/// Follows the passing instances of the gateway service with Consul blocking queries (no fixed polling) and
/// publishes each new set. On any error it keeps the last good set, publishes nothing, and backs off with jitter,
/// so a Consul outage never empties the upstream; and for <see cref="EdgeOptions.SettleAfterRecovery"/> after
/// Consul comes back it removes nothing, since a restarted agent reports every check critical until it has run.
/// </summary>
public sealed partial class GatewayWatcher(
    ConsulClient consul,
    EdgeOptions options,
    EdgeStatus status,
    ILogger<GatewayWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);
    private readonly Channel<IReadOnlyList<GatewayEndpoint>> changes = Channel.CreateUnbounded<IReadOnlyList<GatewayEndpoint>>(new() { SingleReader = true });

    public ChannelReader<IReadOnlyList<GatewayEndpoint>> Changes => changes.Reader;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ulong index = 0;
        IReadOnlyList<GatewayEndpoint>? published = null;
        var settleUntil = DateTime.MinValue;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // While settling, wake up when it ends, to drop what Consul still does not list then.
                var settling = settleUntil - DateTime.UtcNow;
                var wait = settling > TimeSpan.Zero && settling < options.WatchWait ? settling + TimeSpan.FromMilliseconds(100) : options.WatchWait;
                var result = await consul.HealthService(options.Service, passingOnly: true, index, wait, stoppingToken);
                if (result.Index < index || failures > 0)
                {
                    // Consul came back (an index that goes backwards is a restarted agent; the watch restarts from zero).
                    settleUntil = DateTime.UtcNow + options.SettleAfterRecovery;
                    if (failures > 0)
                    {
                        LogRecovered(logger, failures, options.SettleAfterRecovery.TotalSeconds);
                    }
                }

                index = result.Index < index ? 0 : result.Index;
                failures = 0;
                status.Watching(true);
                var passing = result.Value
                    .Select(e => new GatewayEndpoint(e.Service.ID, string.IsNullOrEmpty(e.Service.Address) ? e.Node.Address : e.Service.Address, e.Service.Port))
                    .ToList();
                var next = (DateTime.UtcNow < settleUntil && published is not null ? passing.UnionBy(published, g => g.Id) : passing)
                    .OrderBy(g => g.Id, StringComparer.Ordinal)
                    .ToList();
                if (published is null || !published.SequenceEqual(next))
                {
                    published = next;
                    LogChanged(logger, passing.Count, next.Count, string.Join(", ", next));
                    changes.Writer.TryWrite(next);
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
                await Task.Delay(backoff, stoppingToken);
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
