using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Autopilot.Edge;

/// <summary>Ready while the front door runs: nginx is alive (nginx mode), or always once started (YARP mode).</summary>
public sealed class EdgeReadyCheck(FrontDoor door, IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(door.Mode == EdgeMode.Nginx && !services.GetRequiredService<NginxProcess>().Running
            ? HealthCheckResult.Unhealthy("nginx is not running")
            : HealthCheckResult.Healthy());
}
