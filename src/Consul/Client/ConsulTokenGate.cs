using Autopilot.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Autopilot.Consul.Client;

/// <summary>
/// Before anything of the host starts, a process with an ACL token asks Consul whether it knows that token. Containers
/// start together, and the stack's ACL bootstrap may not have made the token yet: an unknown token is waited for (each
/// attempt logged) as long as any dependency is (<see cref="StartupOptions.DependencyTimeout"/>), then the host stops with
/// exit code 2 and one sentence. A Consul with ACLs off says so, and the host goes on. A token of another role passes here
/// and is refused at its first call that its policy forbids, with the same exit code.
/// </summary>
internal sealed partial class ConsulTokenGate(ConsulClient consul, IOptions<ConsulClientOptions> options, IOptions<StartupOptions> startup, ILogger<ConsulTokenGate> logger)
    : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.EffectiveToken() is null)
        {
            return;
        }

        try
        {
            await StartupRetry.RunAsync(
                $"Consul to know this process's token ({settings.TokenSource})",
                async token =>
                {
                    try
                    {
                        await consul.AclTokenSelf(token);
                    }
                    catch (ConsulException e) when (e.StatusCode is 401 or 400 or 404)
                    {
                        // "ACL support disabled": a Consul without ACLs (a development agent) takes any call.
                        LogAclsOff(logger, consul.Address.ToString());
                    }

                    return true;
                },
                e => e is HttpRequestException or TimeoutException or ConsulException { Outage: true } or ConsulAccessDeniedException { TokenUnknown: true },
                startup.Value.DependencyTimeout,
                logger,
                cancellationToken);
        }
        catch (StartupFailedException e)
        {
            throw new ConsulAccessDeniedException($"Consul did not come to know this process's token ({settings.TokenSource}): {e.Message}", tokenUnknown: true);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Consul at {Address} runs without ACLs; the token is not needed")]
    private static partial void LogAclsOff(ILogger logger, string address);
}
