using System.Threading.Channels;
using Autopilot.Consul.Client;

namespace Autopilot.Edge;

/// <summary>
/// Follows the passing instances of the gateway service with Consul blocking queries (no fixed polling) and
/// publishes each new set. On any error it keeps the last good set, publishes nothing, and backs off with jitter,
/// so a Consul outage never empties the upstream.
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
        IReadOnlyList<GatewayEndpoint>? last = null;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var result = await consul.HealthService(options.Service, passingOnly: true, index, options.WatchWait, stoppingToken);
                // Consul's rule: an index that goes backwards (a restarted agent) restarts the watch from zero.
                index = result.Index < index ? 0 : result.Index;
                var gateways = result.Value
                    .Select(e => new GatewayEndpoint(e.Service.ID, string.IsNullOrEmpty(e.Service.Address) ? e.Node.Address : e.Service.Address, e.Service.Port))
                    .OrderBy(g => g.Id, StringComparer.Ordinal)
                    .ToList();
                if (failures > 0)
                {
                    LogRecovered(logger, failures);
                    failures = 0;
                }

                status.Watching(true);
                if (last is null || !last.SequenceEqual(gateways))
                {
                    last = gateways;
                    LogChanged(logger, gateways.Count, string.Join(", ", gateways));
                    changes.Writer.TryWrite(gateways);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Consul lists {Count} passing gateway(s): {Gateways}")]
    private static partial void LogChanged(ILogger logger, int count, string gateways);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watching Consul failed ({Failures} in a row: {Reason}); keeping the last upstream, retrying in {Seconds:0.0} s")]
    private static partial void LogWatchFailed(ILogger logger, int failures, string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consul answers again after {Failures} failed watch(es)")]
    private static partial void LogRecovered(ILogger logger, int failures);
}
