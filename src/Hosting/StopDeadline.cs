using System.Globalization;

namespace Autopilot.Hosting;

/// <summary>
/// Holds a host's stop to its budget. On SIGTERM a host drains within <see cref="Deadlines.HostShutdown"/>, but a drain
/// that waits on what has gone away with it (Consul and Redis removed in the same <c>docker stack rm</c>) did not end
/// there: Orleans gave up its graceful stop at 30 s and its ungraceful one still waited, until Docker killed the process
/// at its grace (exit 137, no line). If the process still runs <see cref="Deadlines.StopOverrun"/> after the stop began,
/// this ends it at once with <see cref="ExitCodes.Failed"/> and one line saying so, before the process manager's SIGKILL.
/// </summary>
public sealed class StopDeadline : IHostedService, IDisposable
{
    private readonly IHostApplicationLifetime lifetime;
    private readonly HostRole role;
    private readonly TimeSpan overrun;
    private readonly Action<int, string> end;
    private Timer? timer;

    public StopDeadline(IHostApplicationLifetime lifetime, HostRole role)
        : this(lifetime, role, Deadlines.StopOverrun, ImmediateExit.With)
    {
    }

    /// <summary>For tests: <paramref name="end"/> stands in for ending the process, after <paramref name="overrun"/>.</summary>
    public StopDeadline(IHostApplicationLifetime lifetime, HostRole role, TimeSpan overrun, Action<int, string> end)
    {
        this.lifetime = lifetime;
        this.role = role;
        this.overrun = overrun;
        this.end = end;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(() => timer = new Timer(_ => Overran(), null, overrun, Timeout.InfiniteTimeSpan));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => timer?.Dispose();

    private void Overran() => end(ExitCodes.Failed, string.Create(CultureInfo.InvariantCulture,
        $"autopilot {role.Name}: its stop did not end within {overrun.TotalSeconds:0.#} s (what it drains towards does not answer); ending at once with exit code {ExitCodes.Failed}"));
}
