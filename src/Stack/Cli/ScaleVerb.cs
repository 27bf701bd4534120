using Autopilot.Stack.Model;
using Autopilot.Stack.Processes;

namespace Autopilot.Stack.Cli;

/// <summary><c>scale silo=N | gateway=M</c>: start or stop (SIGTERM, the highest numbers first) until that many run.</summary>
internal sealed class ScaleVerb(LocalStack stack)
{
    public async Task<int> Run(string request)
    {
        var (kind, want) = Parse(request);
        var state = stack.RequireState();
        var topology = stack.Topology(state.Ports, await stack.Repository.InstallConsul());
        var wanted = Enumerable.Range(1, want).Select(i => kind == PartKind.Silo ? topology.Silo(i) : topology.Gateway(i)).ToList();
        foreach (var part in wanted.Where(p => !stack.Processes.Present(p.Name)))
        {
            Say.Line($"starting {part.Name}");
            await stack.Start(part, topology);
        }

        foreach (var part in wanted)
        {
            await stack.WaitReady(part, topology);
        }

        foreach (var name in stack.Processes.Names(kind).Reverse())
        {
            if (topology.Find(name) is { Instance: var i } && i > want && stack.Processes.Present(name))
            {
                Say.Line($"stopping {name} (SIGTERM: deregister, drain, leave)");
                await stack.Processes.SignalAndWait(name, Signals.SigTerm, Say.Line);
            }
        }

        stack.Save(kind == PartKind.Silo ? state with { Silos = want } : state with { Gateways = want });
        if (kind == PartKind.Gateway)
        {
            await stack.WaitUpstream(topology, want);
        }

        Say.Line($"{kind.ToString().ToLowerInvariant()}: {want} running");
        return 0;
    }

    private static (PartKind Kind, int Want) Parse(string request)
    {
        var parts = request.Split('=', 2);
        var kind = parts[0] switch
        {
            "silo" => PartKind.Silo,
            "gateway" => PartKind.Gateway,
            _ => throw new StackException($"scale: silo=N or gateway=M, not '{request}'"),
        };
        if (parts.Length != 2 || !int.TryParse(parts[1], out var want) || want < 0)
        {
            throw new StackException($"scale: {parts[0]} count must be a number; it is '{(parts.Length == 2 ? parts[1] : "")}'");
        }

        if (kind == PartKind.Silo && want < 1)
        {
            throw new StackException("scale: keep at least one silo (gateway=0 is allowed: nginx then answers 503)");
        }

        return want <= StackPorts.MaxInstances ? (kind, want) : throw new StackException($"scale: the port map holds at most {StackPorts.MaxInstances} of each");
    }
}
