using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Autopilot.Silo;

/// <summary>Logs the one ready line once the silo has joined and HTTP listens, and the stopping line on SIGTERM.</summary>
public sealed class ReadyAnnouncer(
    IHostApplicationLifetime lifetime,
    IServer server,
    SiloDescription silo,
    ILogger<ReadyAnnouncer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var urls = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            Log.Ready(logger, silo.Name, silo.ClusterId, silo.SiloEndpoint.ToString(), silo.GatewayEndpoint.ToString(),
                string.Join(' ', urls), silo.Clustering, silo.Storage);
        });
        lifetime.ApplicationStopping.Register(() => Log.Stopping(logger, silo.Name));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
