using Autopilot.Consul.Client;
using Autopilot.Hosting;

namespace Autopilot.Edge;

/// <summary>
/// <c>GET /sd/prometheus</c>: every passing silo, gateway and edge in Consul as a Prometheus HTTP service-discovery target,
/// at the metrics URL each registered. Hand-written because Debian's Prometheus (the one that installs here, also in the
/// compose stand-in) is built without <c>consul_sd_configs</c>; the edge already follows Consul, so it answers for Prometheus
/// too. A Prometheus with Consul discovery can read Consul directly instead: the registrations carry the same metadata.
/// </summary>
public static class ScrapeTargets
{
    private static readonly string[] Services = [HostRole.Silo.Name, HostRole.Gateway.Name, HostRole.Edge.Name];

    public static IEndpointRouteBuilder MapScrapeTargets(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sd/prometheus", GetAsync);
        return app;
    }

    private static async Task<IResult> GetAsync(ConsulClient consul, CancellationToken cancellationToken)
    {
        var groups = new List<ScrapeTargetGroup>();
        foreach (var service in Services)
        {
            var instances = await consul.HealthService(service, passingOnly: true, cancellationToken: cancellationToken);
            foreach (var instance in instances.Value)
            {
                if (instance.Service.Meta?.GetValueOrDefault("metrics") is { } metrics && Uri.TryCreate(metrics, UriKind.Absolute, out var url))
                {
                    groups.Add(new ScrapeTargetGroup(
                        [url.Authority],
                        new Dictionary<string, string>
                        {
                            ["service"] = service,
                            ["instance"] = instance.Service.ID,
                            ["__metrics_path__"] = url.AbsolutePath,
                            ["__scheme__"] = url.Scheme,
                        }));
                }
            }
        }

        return TypedResults.Ok(groups);
    }
}
