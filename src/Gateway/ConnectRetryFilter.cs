namespace Autopilot.Gateway;

/// <summary>Silos may start after the gateway: keep trying to connect, once a second, until the host stops.</summary>
public sealed class ConnectRetryFilter(ILogger<ConnectRetryFilter> logger) : IClientConnectionRetryFilter
{
    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        Log.ConnectRetry(logger, exception.Message);
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        return true;
    }
}
