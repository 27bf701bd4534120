using Autopilot.Stack.Processes;

namespace Autopilot.Stack.Cli;

/// <summary><c>stop</c>, <c>kill</c> and <c>restart consul</c>: one part at a time, as the demo drives them.</summary>
internal sealed class SignalVerbs(LocalStack stack)
{
    /// <summary>SIGTERM: a clean leave (of a silo or gateway), or an outage (of Consul or Redis); <c>up</c> starts it again.</summary>
    public async Task<int> Stop(string kind, int? instance)
    {
        var name = Name("stop", kind, instance);
        Say.Line($"stopping {name} (SIGTERM); ./autopilot up starts it again");
        await stack.Processes.SignalAndWait(name, Signals.SigTerm, Say.Line);
        return 0;
    }

    /// <summary>
    /// SIGKILL: a crash, no deregistration, no drain. It stays down (the demo shows the cluster coping) unless
    /// <paramref name="restart"/>, which leaves it to its supervisor, as after a real crash: it comes back as a new member.
    /// </summary>
    public async Task<int> Kill(string kind, int? instance, bool restart)
    {
        var name = Name("kill", kind, instance);
        Say.Line(restart
            ? $"killing {name} (SIGKILL: no deregistration, no drain); its supervisor starts it again, as a new member"
            : $"killing {name} (SIGKILL: no deregistration, no drain); it stays down until ./autopilot up or scale");
        await stack.Processes.Kill(name, restart);
        return 0;
    }

    public async Task<int> RestartConsul()
    {
        var state = stack.RequireState();
        var topology = stack.Topology(state.Ports, await stack.Repository.InstallConsul());
        Say.Line("restarting Consul");
        await stack.Processes.SignalAndWait(topology.Consul.Name, Signals.SigTerm, Say.Line);
        await stack.Start(topology.Consul, topology);
        await stack.WaitReady(topology.Consul, topology);
        Say.Line($"Consul is back: {state.Ports.ConsulUrl}");
        return 0;
    }

    private string Name(string verb, string kind, int? instance)
    {
        var name = kind switch
        {
            "consul" or "redis" when instance is null => kind,
            "silo" or "gateway" when instance is not null => $"{kind}-{instance}",
            _ => throw new StackException($"say: {verb} silo|gateway I, or consul|redis"),
        };
        return stack.Processes.Alive(name) ? name : throw new StackException($"{name} is not running");
    }
}
