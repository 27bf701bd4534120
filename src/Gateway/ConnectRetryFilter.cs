using Autopilot.Hosting;
using Microsoft.Extensions.Options;

namespace Autopilot.Gateway;

/// <summary>
/// Silos may start after the gateway: keep trying to connect, once a second and logged, for
/// <see cref="StartupOptions.DependencyTimeout"/>; then give up with a plain message, so that the process exits 1 and its supervisor can act.
/// </summary>
public sealed class ConnectRetryFilter(IOptions<StartupOptions> settings, TimeProvider time, ILogger<ConnectRetryFilter> logger) : IClientConnectionRetryFilter
{
    private readonly StartupOptions startup = settings.Value;
    private readonly long started = time.GetTimestamp();
    private int attempts;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (time.GetElapsedTime(started) >= startup.DependencyTimeout)
        {
            Log.ConnectGaveUp(logger, startup.DependencyTimeout.TotalSeconds, exception.Message);
            throw new StartupFailedException(
                $"no silo gateway answered within {startup.DependencyTimeout.TotalSeconds:0} s (Startup:DependencyTimeout): {exception.Message}", exception);
        }

        Log.ConnectRetry(logger, ++attempts, exception.Message);
        await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
        return true;
    }
}
