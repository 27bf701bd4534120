using Autopilot.Consul.Client;
using Autopilot.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Autopilot.Gateway;

/// <summary><c>/cluster</c>: the silos with their status and activation counts, from Orleans alone (Consul may be down).</summary>
public static class ClusterEndpoints
{
    private static readonly TimeSpan ConsulProbeTimeout = TimeSpan.FromSeconds(1);

    public static IEndpointRouteBuilder MapCluster(this IEndpointRouteBuilder app)
    {
        app.MapGet("/cluster", GetAsync)
            .WithName("GetCluster")
            .WithTags("Cluster")
            .WithSummary("The silos with their status and activation counts, which gateway answered, whether Consul answers.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapHead("/cluster", GetAsync);
        return app;
    }

    private static async Task<Ok<ClusterView>> GetAsync(
        IGrainFactory grains, GatewayIdentity gateway, IOptions<ClusterOptions> cluster, IServiceProvider services, CancellationToken cancellationToken)
    {
        var consul = services.GetService<ConsulClient>() is { } client ? ConsulStateAsync(client, cancellationToken) : Task.FromResult("not used");
        var silos = await grains.GetGrain<IClusterViewGrain>(0).Silos().WaitAsync(cancellationToken);
        return TypedResults.Ok(new ClusterView(gateway.Name, cluster.Value.ClusterId, await consul, silos));
    }

    private static async Task<string> ConsulStateAsync(ConsulClient consul, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConsulProbeTimeout);
        try
        {
            var leader = await consul.StatusLeader(timeout.Token);
            return leader.Length > 0 ? "reachable" : "unreachable: it has no leader";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"unreachable: no answer within {ConsulProbeTimeout.TotalSeconds} s";
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or ConsulException)
        {
            return $"unreachable: {e.Message}";
        }
    }
}
