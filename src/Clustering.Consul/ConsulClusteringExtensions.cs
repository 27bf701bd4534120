using Autopilot.Clustering.Consul;
using Autopilot.Consul.Client;
using Autopilot.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Messaging;

namespace Orleans.Hosting;

/// <summary>
/// Consul KV as the membership table of silos and the gateway list of clients, named as in Orleans' own Consul provider.
/// The same is reached from configuration alone with <c>Orleans:Clustering:ProviderType=Consul</c>.
/// </summary>
public static class ConsulClusteringExtensions
{
    /// <summary>
    /// How often a client asks for its gateway list again (Orleans' <c>GatewayListRefreshPeriod</c>; Orleans: 1 min). The list
    /// reads Consul only every <see cref="ConsulGatewayListProvider.ConsulReadEvery"/>, and applies the client's probes each time.
    /// </summary>
    public static readonly TimeSpan GatewayListRefresh = Deadlines.GatewayVerdicts;

    public static ISiloBuilder UseConsulClustering(
        this ISiloBuilder builder, Action<ConsulClientOptions> configureClient, Action<ConsulClusteringOptions>? configure = null)
    {
        builder.Services.AddConsulClient(configureClient);
        builder.Services.AddOptions<ConsulClusteringOptions>().Configure(configure ?? (_ => { }));
        builder.Services.AddSingleton<IMembershipTable, ConsulMembershipTable>();
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, RetireEarlierGenerations>();
        return builder;
    }

    public static IClientBuilder UseConsulClustering(
        this IClientBuilder builder, Action<ConsulClientOptions> configureClient, Action<ConsulClusteringOptions>? configure = null)
    {
        builder.Services.AddConsulClient(configureClient);
        builder.Services.AddOptions<ConsulClusteringOptions>().Configure(configure ?? (_ => { }));
        builder.Services.AddSingleton<GatewayProbes>();
        builder.Services.AddSingleton<GatewayLoss>();
        builder.Services.AddSingleton(services => new GatewayMask(services, services.GetRequiredService<ILogger<GatewayMask>>()));
        builder.Services.AddSingleton<IGatewayListProvider, ConsulGatewayListProvider>();
        // New silos should reach clients within seconds, not Orleans' default minute; a silo declared dead should leave the
        // client's list within half a second, and one silent to this client's probes within a tenth: the client sends each grain's calls
        // through one gateway (chosen by the grain's hash), so until then the calls of a frozen gateway's share of grains
        // time out there.
        builder.Services.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = GatewayListRefresh);
        return builder;
    }
}
