using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Autopilot.Gateway;

/// <summary>Logs the one ready line once the cluster client is connected and HTTP listens, and the stopping line on SIGTERM.</summary>
public sealed class ReadyAnnouncer(
    IHostApplicationLifetime lifetime,
    IServer server,
    GatewayIdentity gateway,
    IOptions<ClusterOptions> cluster,
    GatewayMode mode,
    ILogger<ReadyAnnouncer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var urls = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            Log.Ready(logger, gateway.Name, string.Join(' ', urls), cluster.Value.ClusterId, mode.Clustering);
        });
        lifetime.ApplicationStopping.Register(() => Log.Stopping(logger, gateway.Name));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
