using Autopilot.Consul.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Autopilot.Consul.Registration;

/// <summary>
/// Registers this process in the Consul catalog once it has started, keeps the registration alive by
/// re-reading it every few seconds and registering again if the agent forgot it (an agent restart, as
/// ContainerPilot did), and deregisters first thing on shutdown, before the host drains.
/// </summary>
public sealed partial class ConsulServiceRegistration(
    ConsulClient consul,
    Func<IServiceProvider, ServiceRegistrationOptions> describe,
    IServiceProvider services,
    ILogger<ConsulServiceRegistration> logger) : IHostedLifecycleService, IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private ServiceRegistrationOptions? options;
    private AgentServiceRegistration? registration;
    private Task? resync;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs once every hosted service has started, so the check has something to answer.</summary>
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        options = describe(services);
        registration = new AgentServiceRegistration
        {
            ID = options.EffectiveId,
            Name = options.Name,
            Address = options.Address,
            Port = options.Port,
            Tags = options.Tags,
            Meta = options.Meta,
            Check = new AgentServiceCheck
            {
                HTTP = options.CheckUrl,
                Interval = Duration(options.CheckInterval),
                Timeout = Duration(options.CheckTimeout),
                FailuresBeforeCritical = options.FailuresBeforeCritical,
                DeregisterCriticalServiceAfter = Duration(options.DeregisterCriticalServiceAfter),
            },
        };

        try
        {
            await consul.ServiceRegister(registration, cancellationToken);
            LogRegistered(logger, registration.Name, registration.ID, $"{registration.Address}:{registration.Port}", consul.Address.ToString(), options.CheckUrl);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or ConsulException)
        {
            // Consul may be down for a moment; the resync loop registers as soon as it answers.
            LogUnreachable(logger, registration.ID, e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host is stopping before it finished starting; StoppingAsync deregisters whatever got registered.
            return;
        }

        resync = Resync(stopping.Token);
    }

    /// <summary>Deregisters before any hosted service stops, then waits <see cref="ServiceRegistrationOptions.DrainDelay"/>.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        if (resync is not null)
        {
            await resync;
        }

        if (registration is null)
        {
            return;
        }

        try
        {
            await consul.ServiceDeregister(registration.ID, cancellationToken);
            LogDeregistered(logger, registration.ID);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or ConsulException or OperationCanceledException)
        {
            // Not fatal: the check goes critical once this process is gone, and Consul removes it after DeregisterCriticalServiceAfter.
            LogDeregisterFailed(logger, registration.ID, e.Message);
        }

        if (options!.DrainDelay > TimeSpan.Zero)
        {
            await Task.Delay(options.DrainDelay, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync()
    {
        stopping.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task Resync(CancellationToken cancellationToken)
    {
        var failing = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // Jitter spreads many processes' reads over the interval.
                await Task.Delay(options!.ResyncInterval * (0.8 + (Random.Shared.NextDouble() * 0.4)), cancellationToken);
                if (await consul.AgentService(registration!.ID, cancellationToken) is null)
                {
                    await consul.ServiceRegister(registration, cancellationToken);
                    LogReregistered(logger, registration.ID);
                }

                if (failing)
                {
                    LogReachable(logger, registration.ID);
                    failing = false;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException or ConsulException)
            {
                if (!failing)
                {
                    LogUnreachable(logger, registration!.ID, e.Message);
                    failing = true;
                }
            }
        }
    }

    private static string Duration(TimeSpan value) => $"{(long)value.TotalMilliseconds}ms";

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered {Name} as {Id} at {Endpoint} in Consul {Consul}; the agent checks {CheckUrl}")]
    private static partial void LogRegistered(ILogger logger, string name, string id, string endpoint, string consul, string checkUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consul had forgotten {Id} (agent restarted?); registered it again")]
    private static partial void LogReregistered(ILogger logger, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot reach Consul to keep {Id} registered ({Reason}); retrying")]
    private static partial void LogUnreachable(ILogger logger, string id, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consul answers again; {Id} is registered")]
    private static partial void LogReachable(ILogger logger, string id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deregistered {Id} from Consul")]
    private static partial void LogDeregistered(ILogger logger, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not deregister {Id} from Consul ({Reason}); it expires after its check stays critical")]
    private static partial void LogDeregisterFailed(ILogger logger, string id, string reason);
}
