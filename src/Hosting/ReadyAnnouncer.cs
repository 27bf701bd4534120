using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Autopilot.Hosting;

/// <summary>Logs the one ready line once every hosted service has started and HTTP listens, and the stopping line on SIGTERM.</summary>
internal sealed class ReadyAnnouncer(
    IHostApplicationLifetime lifetime,
    IServer server,
    HostRole role,
    IReadyLine line,
    ILogger<ReadyAnnouncer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var urls = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            Log.Ready(logger, Capitalized(role.Name), line.Name, line.Details, string.Join(' ', urls));
        });
        lifetime.ApplicationStopping.Register(() => Log.Stopping(logger, Capitalized(role.Name), line.Name, line.Stopping));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string Capitalized(string word) => word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..];
}
