using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Autopilot.Gateway;

/// <summary><c>/cluster</c>: the silos in the membership table with their status and activation counts.</summary>
public static class ClusterEndpoints
{
    public static IEndpointRouteBuilder MapCluster(this IEndpointRouteBuilder app)
    {
        app.MapGet("/cluster", GetAsync);
        return app;
    }

    private static async Task<IResult> GetAsync(IGrainFactory grains, GatewayIdentity gateway, IOptions<ClusterOptions> cluster, ILogger<ClusterView> logger)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: false);
        var silos = await Task.WhenAll(hosts
            .OrderBy(h => h.Status != SiloStatus.Active)
            .ThenBy(h => h.SiloName, StringComparer.Ordinal)
            .Select(async h => new SiloView(
                h.SiloAddress.ToString(),
                h.SiloName,
                h.Status.ToString(),
                h.Status == SiloStatus.Active ? await ActivationsAsync(management, h.SiloAddress, logger) : null)));
        return TypedResults.Ok(new ClusterView(gateway.Name, cluster.Value.ClusterId, silos));
    }

    private static async Task<int?> ActivationsAsync(IManagementGrain management, SiloAddress silo, ILogger logger)
    {
        try
        {
            var statistics = await management.GetRuntimeStatistics([silo]);
            return statistics[0].ActivationCount;
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            // A silo that died since the table was read: the row still shows, without a count.
            Log.StatisticsUnavailable(logger, silo.ToString(), e.Message);
            return null;
        }
    }
}
