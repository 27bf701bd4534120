using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;

namespace Autopilot.Edge;

/// <summary>The same upstream for machines without nginx: YARP's in-memory configuration, with active health checks.</summary>
public sealed class YarpSink(InMemoryConfigProvider provider, EdgeOptions options) : IUpstreamSink
{
    public const string ClusterId = "gateways";

    public string Name => "yarp";

    /// <summary>The name of the per-client rate limiter policy (<see cref="EdgeHosting"/>) every route carries.</summary>
    public const string PerClient = "per-client";

    /// <summary>One route per public pattern (<see cref="PublicRoutes"/>), on the front door's port only.</summary>
    public static IReadOnlyList<RouteConfig> Routes(EdgeOptions options) =>
    [
        .. PublicRoutes.Patterns.Select((pattern, i) => new RouteConfig
        {
            RouteId = $"public-{i}",
            ClusterId = ClusterId,
            RateLimiterPolicy = PerClient,
            Match = new RouteMatch { Path = pattern, Hosts = [$"*:{options.ListenPort}"] },
        }),
    ];

    public static ClusterConfig Cluster(IReadOnlyList<GatewayEndpoint> gateways) => new()
    {
        ClusterId = ClusterId,
        LoadBalancingPolicy = "PowerOfTwoChoices",
        Destinations = gateways.ToDictionary(g => g.Id, g => new DestinationConfig { Address = $"http://{g}/" }),
        HealthCheck = new HealthCheckConfig
        {
            Active = new ActiveHealthCheckConfig
            {
                Enabled = true,
                Interval = TimeSpan.FromSeconds(2),
                Timeout = TimeSpan.FromSeconds(1),
                Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                Path = "/health/ready",
            },
            Passive = new PassiveHealthCheckConfig
            {
                Enabled = true,
                Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate,
                ReactivationPeriod = TimeSpan.FromSeconds(10),
            },
        },
    };

    public Task<bool> ApplyAsync(IReadOnlyList<GatewayEndpoint> gateways, CancellationToken cancellationToken)
    {
        provider.Update(Routes(options), [Cluster(gateways)]);
        return Task.FromResult(true);
    }
}
