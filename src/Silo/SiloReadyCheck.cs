using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Autopilot.Silo;

/// <summary>Ready while this silo is an active member of the cluster.</summary>
public sealed class SiloReadyCheck(ISiloStatusOracle oracle) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = oracle.CurrentStatus;
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy("active")
            : HealthCheckResult.Unhealthy($"silo is {status}"));
    }
}
