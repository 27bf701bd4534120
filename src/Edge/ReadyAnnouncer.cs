using Autopilot.Consul.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Autopilot.Edge;

/// <summary>Logs the one ready line once nginx or YARP serves and the watch runs, and the stopping line on SIGTERM.</summary>
public sealed class ReadyAnnouncer(
    IHostApplicationLifetime lifetime,
    IServer server,
    EdgeOptions options,
    IUpstreamSink sink,
    ConsulClient consul,
    ILogger<ReadyAnnouncer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var urls = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            Log.Ready(logger, options.Listen, sink.Name, options.Service, consul.Address.ToString(), string.Join(' ', urls));
        });
        lifetime.ApplicationStopping.Register(() => Log.Stopping(logger, sink.Name));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
