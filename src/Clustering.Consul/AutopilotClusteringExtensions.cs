using Autopilot.Clustering.Consul;
using Autopilot.Consul.Client;
using Autopilot.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Orleans.Hosting;

/// <summary>
/// The stack's clustering, for silos and clients alike, chosen from configuration as Orleans chooses its own (one internal
/// choice serves both, as Orleans' Redis provider does): <c>Orleans:Clustering:ProviderType</c> when it is set (Orleans
/// configures that provider itself), else Consul when <c>Consul:Address</c> is set, else localhost (the embedded mode).
/// </summary>
public static class AutopilotClusteringExtensions
{
    public static ISiloBuilder UseAutopilotClustering(this ISiloBuilder builder)
    {
        var endpoints = builder.Configuration.GetSection("Orleans:Endpoints");
        Choose(builder.Configuration, builder.Services,
            consul: client =>
            {
                builder.UseConsulClustering(client);
                InitializeWithinStartup(builder.Services);
            },
            localhost: (clusterId, serviceId) => builder.UseLocalhostClustering(
                Port(endpoints["SiloPort"], EndpointOptions.DEFAULT_SILO_PORT), Port(endpoints["GatewayPort"], EndpointOptions.DEFAULT_GATEWAY_PORT),
                null, serviceId, clusterId));
        return builder;
    }

    public static IClientBuilder UseAutopilotClustering(this IClientBuilder builder)
    {
        Choose(builder.Configuration, builder.Services,
            consul: client => builder.UseConsulClustering(client, o => o.SiloService = HostRole.Silo.Name),
            localhost: (clusterId, serviceId) => builder.UseLocalhostClustering(EndpointOptions.DEFAULT_GATEWAY_PORT, serviceId, clusterId));
        return builder;
    }

    // The one choice for silo and client: Orleans' own provider (configured by Orleans), Consul, or localhost.
    private static void Choose(IConfiguration configuration, IServiceCollection services, Action<Action<ConsulClientOptions>> consul, Action<string, string> localhost)
    {
        var choice = ClusteringChoice.Of(configuration);
        services.AddSingleton(choice);
        if (choice.Kind == ClusteringKind.Consul)
        {
            consul(configuration.GetSection(ConsulClientOptions.Section).Bind);
        }
        else if (choice.Kind == ClusteringKind.Localhost)
        {
            localhost(configuration["Orleans:ClusterId"] ?? ClusterDefaults.Id, configuration["Orleans:ServiceId"] ?? ClusterDefaults.Id);
        }
    }

    // A silo started while Consul does not answer retries creating the table as long as it waits for any dependency.
    private static void InitializeWithinStartup(IServiceCollection services) =>
        services.AddOptions<ConsulClusteringOptions>().Configure<IOptions<StartupOptions>>((o, startup) => o.InitializeTimeout = startup.Value.DependencyTimeout);

    // A value that is no port is refused with one sentence when the host starts (the silo's endpoint checks), not here.
    private static int Port(string? text, int fallback) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) ? port : fallback;
}
