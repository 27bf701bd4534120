using Autopilot.Consul.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Autopilot.Consul.Registration;

/// <summary>
/// Registers this process in the Consul catalog once it has started, keeps the registration alive by
/// re-reading it every few seconds and registering again if the agent forgot it (an agent restart, as
/// ContainerPilot did), and deregisters first thing on shutdown, before the host drains. With several agents (a quorum of
/// servers), the registration follows the agent the client keeps to: when that one goes away, the process registers with
/// the next, and removes its registration from the first once it answers again (a server that comes back still holds it,
/// with a check that passes). Each round it also reads one other agent in turn, and removes any copy found there: a copy
/// can outlive every removal it was asked for (see <see cref="SweepAnother"/>).
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

    // The agent that holds this registration, and the others that may hold a copy: at first every other agent (a previous
    // run of this process, under the same ID, may have left one there, whose check would pass again), after a move the one
    // it left; each until it answers and lets it go.
    private readonly List<Uri> formers = [];
    private Uri? holder;

    // Which other agent the next round reads (SweepAnother), in turn.
    private int swept;

    /// <summary>The query parameter of the check URL that names the registration the check is for (<see cref="CheckIdentityFilter"/>).</summary>
    public const string CheckQuery = "consul-service";

    /// <summary>This process's service ID in Consul, once it has started.</summary>
    public string? Id => registration?.ID;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs once every hosted service has started, so the check has something to answer.</summary>
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        options = describe(services);
        registration = Describe(initialStatus: null);

        formers.AddRange(consul.Agents);
        try
        {
            var agent = consul.Address;
            await consul.ServiceRegister(registration, cancellationToken, agent);
            formers.Remove(agent);
            holder = agent;
            LogRegistered(logger, registration.Name, registration.ID, $"{registration.Address}:{registration.Port}", agent.ToString(), options.CheckUrl);
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
            await consul.ServiceDeregister(registration.ID, cancellationToken, holder ?? consul.Address);
            LogDeregistered(logger, registration.ID);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or ConsulException or OperationCanceledException)
        {
            // Not fatal: the check goes critical once this process is gone, and Consul removes it after DeregisterCriticalServiceAfter.
            // (So does any copy another agent still holds.)
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
        var tried = consul.Address;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // Jitter spreads many processes' reads over the interval. After a failure that moved the client to another
                // agent, that one is asked at once: the registration follows without waiting a round.
                if (consul.Address == tried)
                {
                    await Task.Delay(options!.ResyncInterval * (0.8 + (Random.Shared.NextDouble() * 0.4)), cancellationToken);
                }

                var agent = tried = consul.Address;
                if (await consul.AgentService(registration!.ID, cancellationToken, agent) is null)
                {
                    // A move from an agent that went away: this process was passing there a moment ago, so it is listed
                    // passing at once rather than critical until the new agent's first check.
                    var moved = holder is not null && holder != agent;
                    try
                    {
                        await consul.ServiceRegister(moved ? Describe(initialStatus: "passing") : registration, cancellationToken, agent);
                    }
                    catch (Exception e) when (e is HttpRequestException or TimeoutException && agent != holder && !formers.Contains(agent))
                    {
                        // An agent may take a registration whose answer never comes (a Consul server in an election answers
                        // late): if this process settles elsewhere, that agent may hold a copy whose check passes.
                        formers.Add(agent);
                        throw;
                    }

                    LogReregistered(logger, registration.ID, agent.ToString());
                }

                if (holder != agent)
                {
                    if (holder is not null && !formers.Contains(holder))
                    {
                        formers.Add(holder);
                    }

                    formers.Remove(agent);
                    holder = agent;
                }

                await SweepAnother(agent, cancellationToken);
                await RemoveFromFormerAgents(agent, cancellationToken);

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

    // What this process registers; <paramref name="initialStatus"/> is the check's status until its first run (Consul: critical).
    private AgentServiceRegistration Describe(string? initialStatus) => new()
    {
        ID = options!.EffectiveId,
        Name = options.Name,
        Address = options.Address,
        Port = options.Port,
        Tags = options.Tags,
        Meta = options.Meta,
        Check = new AgentServiceCheck
        {
            // The check names the registration it is for: a registration left behind by a process that died keeps its
            // check URL, and Docker may give that address to another process, whose answer must not pass for it.
            HTTP = $"{options.CheckUrl}{(options.CheckUrl.Contains('?', StringComparison.Ordinal) ? '&' : '?')}{CheckQuery}={Uri.EscapeDataString(options.EffectiveId)}",
            Interval = Duration(options.CheckInterval),
            Timeout = Duration(options.CheckTimeout),
            FailuresBeforeCritical = options.FailuresBeforeCritical,
            DeregisterCriticalServiceAfter = Duration(options.DeregisterCriticalServiceAfter),
            Status = initialStatus,
        },
    };

    private async Task RemoveFromFormerAgents(Uri agent, CancellationToken cancellationToken)
    {
        foreach (var former in formers.ToList())
        {
            try
            {
                if (await consul.ServiceDeregister(registration!.ID, cancellationToken, former))
                {
                    LogMoved(logger, registration.ID, former.ToString(), agent.ToString());
                }

                formers.Remove(former);
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException or ConsulException)
            {
                // Still away: tried again at the next resync.
            }
        }
    }

    /// <summary>
    /// Reads one agent other than <paramref name="agent"/> (the holder), in turn, and counts it among the former agents if
    /// it holds a copy (<see cref="RemoveFromFormerAgents"/>, next, removes it). A copy can outlive those removals: a Consul
    /// server in an election may apply a registration whose answer was lost only after it has answered this process's
    /// removal ("unknown service"), the later write winning. A run of the compose story saw the edge listed on two servers,
    /// both passing, three minutes after the stopped leader came back.
    /// </summary>
    private async Task SweepAnother(Uri agent, CancellationToken cancellationToken)
    {
        var others = consul.Agents.Where(a => a != agent && !formers.Contains(a)).ToList();
        if (others.Count == 0)
        {
            return;
        }

        var other = others[swept++ % others.Count];
        try
        {
            if (await consul.AgentService(registration!.ID, cancellationToken, other) is not null)
            {
                formers.Add(other);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or ConsulException)
        {
            // Away, or in an election: read again in its turn.
        }
    }

    private static string Duration(TimeSpan value) => $"{(long)value.TotalMilliseconds}ms";

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered {Name} as {Id} at {Endpoint} in Consul {Consul}; the agent checks {CheckUrl}")]
    private static partial void LogRegistered(ILogger logger, string name, string id, string endpoint, string consul, string checkUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consul agent {Agent} did not hold {Id} (it restarted, or this process moved to it); registered it there")]
    private static partial void LogReregistered(ILogger logger, string id, string agent);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Id} from Consul agent {Former}, which held it from before (a move, or an earlier run); it is registered with {Agent}")]
    private static partial void LogMoved(ILogger logger, string id, string former, string agent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot reach Consul to keep {Id} registered ({Reason}); retrying")]
    private static partial void LogUnreachable(ILogger logger, string id, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consul answers again; {Id} is registered")]
    private static partial void LogReachable(ILogger logger, string id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deregistered {Id} from Consul")]
    private static partial void LogDeregistered(ILogger logger, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not deregister {Id} from Consul ({Reason}); it expires after its check stays critical")]
    private static partial void LogDeregisterFailed(ILogger logger, string id, string reason);
}
