using Autopilot.Contracts;
using Autopilot.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Autopilot.Gateway;

/// <summary>
/// Ready while the cluster client is connected to at least one silo gateway. The client opens connections only to send,
/// so with none open (every silo it knew left) one short call to whichever silo gateway it reaches, answered from that
/// silo's memory, both makes it connect and proves the connection. A stalled silo cannot make this fail while another
/// connection is open.
/// </summary>
public sealed class ClusterReadyCheck(ClusterConnection connection, IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (connection.ConnectedGateways > 0)
        {
            return HealthCheckResult.Healthy($"connected to {connection.ConnectedGateways} silo gateway(s)");
        }

        try
        {
            var active = await grains.GetGrain<IClusterViewGrain>(0).ActiveSilos().WaitAsync(Deadlines.ReadyProbe, cancellationToken);
            return active > 0
                ? HealthCheckResult.Healthy($"a silo gateway answers, with {active} active silo(s)")
                : HealthCheckResult.Unhealthy("the cluster has no active silo");
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            return HealthCheckResult.Unhealthy("connected to no silo gateway", e);
        }
    }
}
