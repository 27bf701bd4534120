using Autopilot.Contracts;
using Autopilot.Hosting;
using Orleans.Dashboard;

namespace Autopilot.Silo;

/// <summary>What the silo adds around its grains: the boundary filter, the dashboard's collectors, the rebalancer, the seed.</summary>
internal static class SiloGrainServices
{
    public static ISiloBuilder AddAutopilotGrainServices(this ISiloBuilder silo)
    {
        silo.AddIncomingGrainCallFilter<BoundaryExceptionFilter>();
        // The Orleans dashboard's grains and grain-call profiler; the gateways serve its page (/dashboard/index.html).
        if (DashboardSwitch.Enabled(silo.Configuration))
        {
            silo.AddDashboard();
        }

#pragma warning disable ORLEANSEXP002 // The rebalancer is experimental in Orleans 10 (tuned in SiloTuning).
        silo.AddActivationRebalancer();
#pragma warning restore ORLEANSEXP002
        silo.AddStartupTask(async (services, cancellationToken) =>
        {
            if (await services.GetRequiredService<IGrainFactory>().GetGrain<ISeedGrain>(0).EnsureSeeded())
            {
                Log.Seeded(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SiloHosting)));
            }
        });
        return silo;
    }
}
