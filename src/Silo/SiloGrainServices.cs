using Autopilot.Contracts;
using Autopilot.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace Autopilot.Silo;

/// <summary>What the silo adds around its grains: the boundary filter, the dashboard's collectors, the rebalancer, the seed.</summary>
internal static class SiloGrainServices
{
    public static ISiloBuilder AddAutopilotGrainServices(this ISiloBuilder silo)
    {
        silo.AddIncomingGrainCallFilter<BoundaryExceptionFilter>();
        // The Orleans dashboard's grains and grain-call profiler; the gateways serve its page (/dashboard/index.html).
        if (FeatureSwitches.On(silo.Configuration, FeatureSwitches.Dashboard))
        {
            silo.AddDashboard();
        }

#pragma warning disable ORLEANSEXP002 // The rebalancer is experimental in Orleans 10 (tuned in SiloTuning).
        silo.AddActivationRebalancer();
#pragma warning restore ORLEANSEXP002
        silo.AddStartupTask(async (services, cancellationToken) =>
        {
            // Silos that start together on busy cores may not answer each other within a call's timeout at first, and
            // before their directory agrees two of them may each activate the seed grain (the second write meets a version
            // conflict, and Orleans deactivates that copy): the seed is asked again (logged) for as long as any dependency
            // is waited for, instead of failing the silo's start.
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SiloHosting));
            var seeded = await StartupRetry.RunAsync(
                "the cluster to answer the seed grain",
                async _ => await services.GetRequiredService<IGrainFactory>().GetGrain<ISeedGrain>(0).EnsureSeeded(),
                e => e is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException or Orleans.Storage.InconsistentStateException,
                services.GetRequiredService<IOptions<StartupOptions>>().Value.DependencyTimeout,
                logger,
                cancellationToken);
            if (seeded)
            {
                Log.Seeded(logger);
            }
        });
        return silo;
    }
}
