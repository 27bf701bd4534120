using Autopilot.Consul.Client;
using Autopilot.Stack.Model;
using Autopilot.Stack.Processes;
using Microsoft.Extensions.DependencyInjection;

namespace Autopilot.Stack.Cli;

/// <summary>
/// <c>down</c>: stops everything started from this run folder (SIGTERM, SIGKILL after the stop grace, 40 s): the front door first, then
/// gateways, silos, and the stores last, so each part leaves while what it needs still runs. Consul's and Redis's data stay.
/// </summary>
internal sealed class DownVerb(LocalStack stack)
{
    public async Task<int> Run()
    {
        if (!Directory.Exists(stack.Run.Pids))
        {
            Say.Line("nothing runs");
            return 0;
        }

        var processes = stack.Processes;
        foreach (var name in new[] { "edge" }.Concat(processes.Names(PartKind.Gateway)).Concat(processes.Names(PartKind.Silo)).Concat(["viewer", "prometheus", "redis"]))
        {
            if (processes.Present(name))
            {
                Say.Line($"stopping {name}");
            }

            await processes.SignalAndWait(name, Signals.SigTerm, Say.Line);
        }

        if (processes.Alive("consul") && stack.State is { Embedded: false } state)
        {
            await RemoveLeftovers(stack.Topology(state.Ports, ""));
        }

        if (processes.Present("consul"))
        {
            Say.Line("stopping consul");
        }

        await processes.SignalAndWait("consul", Signals.SigTerm, Say.Line);
        File.Delete(stack.Run.UrlFile);
        Say.Line("down");
        return 0;
    }

    // What is still registered belonged to processes that crashed (killed: no deregistration). The stack's Consul is its
    // own, so down removes those too rather than leave them in its data folder.
    private static async Task RemoveLeftovers(StackTopology topology)
    {
        await using var services = LocalStack.ConsulClientFor(topology);
        var consul = services.GetRequiredService<ConsulClient>();
        try
        {
            foreach (var id in (await consul.AgentServices()).Keys)
            {
                Say.Line($"removing {id} from Consul (its process did not deregister: it was killed)");
                await consul.ServiceDeregister(id);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or ConsulException or ConsulAccessDeniedException)
        {
            Say.Line($"could not remove what is left in Consul: {e.Message}");
        }
    }
}
