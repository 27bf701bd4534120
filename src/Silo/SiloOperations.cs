using Autopilot.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Autopilot.Silo;

/// <summary>
/// How the silo shows itself to operators: its ready line and check, membership changes in its log, memory given back, and
/// its end when the cluster declares it dead (<see cref="DeclaredDeadExit"/>, in place of Orleans' own handler); and how it
/// watches its peers' lifelines (<see cref="LifelineWatch"/>), so that a peer whose process ended is declared dead at once.
/// </summary>
internal static class SiloOperations
{
    public static IServiceCollection AddSiloOperations(this IServiceCollection services)
    {
        services.AddSingleton<IReadyLine, SiloReadyLine>();
        services.AddSingleton<Grains.SiloDeaths>();
        services.AddSingleton<RejoinProbation>();
        services.AddHostedService<MembershipWatcher>();
        services.AddSingleton<IFatalErrorHandler, DeclaredDeadExit>();
        services.AddAutopilotOptions<MemoryTrimOptions, MemoryTrimOptions.Validator>(MemoryTrimOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<MemoryTrim>();
        services.AddSingleton<PeerHealthUrls>();
        services.AddHostedService<LifelineWatch>();
        services.AddHealthChecks().AddCheck<SiloReadyCheck>(HostRole.Silo.Name, tags: [HostingExtensions.ReadyTag]);
        return services;
    }
}
