using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Autopilot.Gateway;

/// <summary>Ready while the cluster client is connected to at least one silo gateway.</summary>
public sealed class ClusterReadyCheck(ClusterConnection connection) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(connection.ConnectedGateways > 0
            ? HealthCheckResult.Healthy($"connected to {connection.ConnectedGateways} silo gateway(s)")
            : HealthCheckResult.Unhealthy("connected to no silo gateway"));
}
