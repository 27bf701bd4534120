using Autopilot.Clustering.Consul;
using Autopilot.Hosting;

namespace Autopilot.Gateway;

/// <summary>
/// Runs the API's grain calls so that a call stuck behind a gateway this client has just lost (<see cref="GatewayLoss"/>)
/// is given up <see cref="Deadlines.LostGatewayGrace"/> after the loss, through the call's own cancellation token (Orleans
/// stops waiting for a cancelled call at once): a read is sent again, which goes through another gateway; a write answers
/// that its outcome is unknown (<see cref="GatewayLostException"/>, a 504), seconds before its own timeout would have said
/// the same. Calls that answer within the grace, through the other gateways, are left alone, and so is every call when
/// the client has no such signal (clustering without Consul).
/// </summary>
public sealed partial class LostGatewayCalls(ILogger<LostGatewayCalls> logger, GatewayLoss? loss = null)
{
    /// <summary>How many times one read is sent again after its gateway was lost, before it answers like a timeout.</summary>
    public const int ReadResends = 2;

    private static readonly System.Diagnostics.Metrics.Counter<long> GivenUp = AutopilotMetrics.Meter.CreateCounter<long>(
        "autopilot.grain_calls.given_up", "{call}", "Grain calls given up because the gateway they went through was lost");

    /// <summary>A read: sent again (at most <see cref="ReadResends"/> times) when its gateway is lost while it waits.</summary>
    public async Task<T> Read<T>(Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await Guarded(read, cancellationToken);
            }
            catch (GatewayLostException) when (attempt < ReadResends)
            {
                LogReadSentAgain(logger, attempt + 1);
            }
        }
    }

    /// <summary>A write: when its gateway is lost while it waits, it answers that its outcome is unknown.</summary>
    public async Task<T> Write<T>(Func<CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        try
        {
            return await Guarded(write, cancellationToken);
        }
        catch (GatewayLostException)
        {
            LogWriteGivenUp(logger);
            throw;
        }
    }

    private async Task<T> Guarded<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        if (loss is null)
        {
            return await call(cancellationToken);
        }

        var lost = loss.Token;
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var _ = lost.Register(static state => ((CancellationTokenSource)state!).CancelAfter(Deadlines.LostGatewayGrace), giveUp);
        try
        {
            return await call(giveUp.Token);
        }
        catch (OperationCanceledException e) when (lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            GivenUp.Add(1);
            throw new GatewayLostException(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A read waited on a gateway this client has lost; sending it again (attempt {Attempt})")]
    private static partial void LogReadSentAgain(ILogger logger, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "A write waited on a gateway this client has lost; answering that its outcome is unknown")]
    private static partial void LogWriteGivenUp(ILogger logger);
}

/// <summary>A grain call given up because the gateway it went through was lost while it waited (<see cref="LostGatewayCalls"/>).</summary>
public sealed class GatewayLostException(Exception inner) : TimeoutException(
    $"The gateway this call went through left the client's gateway list while the call waited, and it did not answer within {Deadlines.LostGatewayGrace.TotalMilliseconds:0} ms after.", inner);
