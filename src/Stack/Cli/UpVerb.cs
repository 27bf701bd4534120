using Autopilot.Hosting;
using Autopilot.Stack.Model;
using Autopilot.Stack.Processes;

namespace Autopilot.Stack.Cli;

/// <summary>
/// <c>up</c>: install what the stack runs, build once, start Consul, Redis, Prometheus, the trace and log viewer, the silos, the gateways and the
/// edge, each under a supervisor, and print the front door's URL alone on the last line. On a stack that is partly up it
/// says what it found and starts what is missing.
/// </summary>
internal sealed class UpVerb(LocalStack stack)
{
    public async Task<int> Run(int? silos, int? gateways, int? port, int? basePort, bool embedded)
    {
        Directory.CreateDirectory(stack.Run.Pids);
        Directory.CreateDirectory(stack.Run.Logs);
        if (embedded)
        {
            return await Embedded(port ?? StackPorts.DefaultEdge);
        }

        if (stack.State is { Embedded: false } state && stack.Topology(state.Ports, "").Parts(state.Silos, state.Gateways).Any(p => stack.Processes.Present(p.Name)))
        {
            if ((port is not null && port != state.Edge) || (basePort is not null && basePort != state.Base))
            {
                throw new StackException($"a stack with --base-port {state.Base} --port {state.Edge} is up here; ./autopilot down first to change them");
            }

            return await Heal(state with { Silos = Count(silos ?? state.Silos, "--silos", 1), Gateways = Count(gateways ?? state.Gateways, "--gateways", 0) });
        }

        var ports = Validated(new StackPorts(basePort ?? StackPorts.DefaultBase, port ?? StackPorts.DefaultEdge));
        var fresh = new StackState(ports.Base, ports.Edge, Count(silos ?? 2, "--silos", 1), Count(gateways ?? 2, "--gateways", 0));
        foreach (var (number, what) in new[] { (ports.Edge, "the edge"), (ports.ConsulHttp, "Consul"), (ports.Redis, "Redis"), (ports.EdgeStatus, "the edge's status"), (ports.Prometheus, "Prometheus"), (ports.Viewer, "the trace and log viewer") })
        {
            await LocalStack.NeedPort(number, what);
        }

        stack.Save(fresh);
        await stack.Repository.AptInstall(Repository.StackPackages);
        var topology = stack.Topology(ports, await stack.Repository.InstallConsul());
        await stack.EnsureHosts(always: true, HostRole.Silo, HostRole.Gateway, HostRole.Edge);
        Secrets.EnsureCertificates(stack.Run);

        Say.Line($"starting Consul (one-node server, data in {stack.Run.Data("consul")}), Redis (append-only, every write fsynced, data in {stack.Run.Data("redis")}), Prometheus and the trace and log viewer");
        foreach (var store in new[] { topology.Consul, topology.Redis, topology.Prometheus, topology.Viewer })
        {
            await stack.Start(store, topology);
            await stack.WaitReady(store, topology);
        }

        Say.Line($"starting {fresh.Silos} silo(s) and {fresh.Gateways} gateway(s), each under a supervisor that restarts it if it dies");
        if (LocalStack.PlaintextOrleans)
        {
            Say.Line($"{LocalStack.OrleansTlsVariable}=off: silos and gateways speak Orleans without TLS (for the bench's measure of its cost only)");
        }

        var hosts = Enumerable.Range(1, fresh.Silos).Select(topology.Silo).Concat(Enumerable.Range(1, fresh.Gateways).Select(topology.Gateway)).ToList();
        foreach (var host in hosts)
        {
            await stack.Start(host, topology);
        }

        foreach (var host in hosts)
        {
            await stack.WaitReady(host, topology);
        }

        Say.Line($"starting the edge (nginx on 127.0.0.1:{ports.Edge})");
        await stack.Start(topology.Edge, topology);
        await stack.WaitReady(topology.Edge, topology);
        await stack.WaitUpstream(topology, fresh.Gateways);

        await File.WriteAllTextAsync(stack.Run.UrlFile, $"{ports.EdgeUrl.ToString().TrimEnd('/')}\n");
        Say.Line($"up: Consul {ports.ConsulUrl}, Redis 127.0.0.1:{ports.Redis}, Prometheus {ports.PrometheusUrl}, {fresh.Silos} silo(s), {fresh.Gateways} gateway(s), edge status {ports.EdgeStatusUrl}");
        Say.Line($"traces and logs: {stack.ViewerLogin(topology)} (./autopilot status prints it again)");
        Say.Result(ports.EdgeUrl.ToString().TrimEnd('/'));
        return 0;
    }

    /// <summary>Reports what runs, starts under supervision whatever is missing, and waits until it all serves.</summary>
    private async Task<int> Heal(StackState state)
    {
        var topology = stack.Topology(state.Ports, await stack.Repository.InstallConsul());
        await stack.EnsureHosts(always: false, HostRole.Silo, HostRole.Gateway, HostRole.Edge);
        Secrets.EnsureCertificates(stack.Run);

        var started = new List<PartSpec>();
        foreach (var part in Parts(state))
        {
            if (stack.Processes.Present(part.Name))
            {
                Say.Line($"found {part.Name} running (pid {stack.Processes.Pid(part.Name)})");
                continue;
            }

            var exit = stack.Processes.ExitCode(part.Name) is { } code ? $" (it exited with code {code})" : "";
            Say.Line($"found {part.Name} not running{exit}; starting it");
            started.Add(part);
        }

        // Stores first, each ready before the hosts that need it; the edge last, once the gateways serve.
        foreach (var part in started.Where(p => p.Supporting))
        {
            await stack.Start(part, topology);
            await stack.WaitReady(part, topology);
        }

        foreach (var part in started.Where(p => p.Scalable))
        {
            await stack.Start(part, topology);
        }

        foreach (var part in Parts(state).Where(p => p.Scalable))
        {
            await stack.WaitReady(part, topology);
        }

        if (started.Any(p => p.Kind == PartKind.Edge))
        {
            await stack.Start(topology.Edge, topology);
            await stack.WaitReady(topology.Edge, topology);
        }

        await stack.WaitUpstream(topology, state.Gateways);
        stack.Save(state);
        await File.WriteAllTextAsync(stack.Run.UrlFile, $"{state.Ports.EdgeUrl.ToString().TrimEnd('/')}\n");
        Say.Line($"up: {started.Count} part(s) started, the rest was running; {state.Silos} silo(s), {state.Gateways} gateway(s)");
        Say.Result(state.Ports.EdgeUrl.ToString().TrimEnd('/'));
        return 0;

        IEnumerable<PartSpec> Parts(StackState s) => topology.Parts(s.Silos, s.Gateways);
    }

    /// <summary>One silo and one gateway, no Consul (localhost clustering), grain state in memory.</summary>
    private async Task<int> Embedded(int port)
    {
        var topology = new StackTopology(Validated(new StackPorts(StackPorts.DefaultBase, port)), stack.Run, stack.Binaries(""));
        if (File.Exists(stack.Run.UrlFile) && (stack.Processes.Alive(topology.EmbeddedSilo.Name) || stack.Processes.Alive(topology.EmbeddedGateway.Name)))
        {
            Say.Line("already up; ./autopilot down stops it");
            Say.Result((await File.ReadAllTextAsync(stack.Run.UrlFile)).Trim());
            return 0;
        }

        File.Delete(stack.Run.StackFile);
        await stack.EnsureHosts(always: true, HostRole.Silo, HostRole.Gateway);
        foreach (var part in new[] { topology.EmbeddedSilo, topology.EmbeddedGateway })
        {
            await stack.Start(part, topology);
            await stack.WaitReady(part, topology);
        }

        await File.WriteAllTextAsync(stack.Run.UrlFile, $"{topology.Ports.EdgeUrl.ToString().TrimEnd('/')}\n");
        Say.Line($"up: 1 silo, 1 gateway, embedded mode; logs in {stack.Run.Logs}, stop with ./autopilot down");
        Say.Result(topology.Ports.EdgeUrl.ToString().TrimEnd('/'));
        return 0;
    }

    private static StackPorts Validated(StackPorts ports)
    {
        try
        {
            return ports.Validated();
        }
        catch (ArgumentException e)
        {
            throw new StackException(e.Message);
        }
    }

    private static int Count(int value, string option, int least) => value >= least && value <= StackPorts.MaxInstances
        ? value
        : throw new StackException($"{option} must be between {least} and {StackPorts.MaxInstances}; it is {value}");
}
