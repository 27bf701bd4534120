using System.CommandLine;
using Autopilot.Stack.Model;
using Autopilot.Stack.Processes;

namespace Autopilot.Stack.Cli;

/// <summary>The verbs of <c>./autopilot</c>, in the spirit of docker compose, over the model in <see cref="StackTopology"/>.</summary>
internal static class CliProgram
{
    public static async Task<int> Main(string[] args)
    {
        try
        {
            // On SIGTERM or Ctrl+C, System.CommandLine cancels the verb's token and ends the process after a grace period. Two
            // seconds, but for the verbs that take down what they started before they end (chaos: a compose project).
            var parse = Root().Parse(args);
            var grace = parse.CommandResult.Command.Name == ChaosVerb.Name ? ChaosVerb.CleanupTime : TimeSpan.FromSeconds(2);
            return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = grace });
        }
        catch (StackException e)
        {
            Say.Line(e.Message);
            return 1;
        }
    }

    private static RootCommand Root()
    {
        var root = new RootCommand("autopilot: the stack on this machine as real processes, and its tests, demo and benchmark.");

        var silos = new Option<int?>("--silos") { Description = "how many silos (default 2)" };
        var gateways = new Option<int?>("--gateways") { Description = "how many gateways (default 2)" };
        var port = new Option<int?>("--port") { Description = $"the front door's port (default {StackPorts.DefaultEdge})" };
        var basePort = new Option<int?>("--base-port") { Description = $"the first port of the stack's map (default {StackPorts.DefaultBase}; see ports)" };
        var embedded = new Option<bool>("--embedded") { Description = "one silo and one gateway, no Consul, grain state in memory" };
        var up = new Command("up", "install what is missing, build once, start Consul, Redis, Prometheus, the trace and log viewer, the silos, the gateways and the edge on 127.0.0.1, " +
            "each under a supervisor that restarts it if it dies; print the front door's URL last. On a stack that is partly up: start what is missing")
        {
            silos, gateways, port, basePort, embedded,
        };
        up.SetAction((result, _) => WithStack(stack => new UpVerb(stack).Run(
            result.GetValue(silos), result.GetValue(gateways), result.GetValue(port), result.GetValue(basePort), result.GetValue(embedded))));

        var request = new Argument<string>("silo=N|gateway=M");
        var scale = new Command("scale", "start or stop (SIGTERM, the highest numbers first) until N silos or M gateways run (gateway=0 too)") { request };
        scale.SetAction((result, _) => WithStack(stack => new ScaleVerb(stack).Run(result.GetRequiredValue(request))));

        var kind = new Argument<string>("silo|gateway|consul|redis");
        var instance = new Argument<int?>("I") { Arity = ArgumentArity.ZeroOrOne };
        var restart = new Option<bool>("--restart") { Description = "leave it to its supervisor, which starts it again as a new member, as after a real crash" };
        var kill = new Command("kill", "SIGKILL one: a crash. It stays down (the demo shows the cluster coping) unless --restart") { kind, instance, restart };
        kill.SetAction((result, _) => WithStack(stack => new SignalVerbs(stack).Kill(result.GetRequiredValue(kind), result.GetValue(instance), result.GetValue(restart))));
        var stop = new Command("stop", "SIGTERM one: a clean leave (of a silo or gateway), an outage (of consul or redis)") { kind, instance };
        stop.SetAction((result, _) => WithStack(stack => new SignalVerbs(stack).Stop(result.GetRequiredValue(kind), result.GetValue(instance))));

        var what = new Argument<string>("consul");
        var restartVerb = new Command("restart", "stop Consul and start it again on its data folder") { what };
        restartVerb.SetAction((result, _) => result.GetRequiredValue(what) == "consul"
            ? WithStack(stack => new SignalVerbs(stack).RestartConsul())
            : throw new StackException("restart: only 'restart consul' exists"));

        var status = new Command("status", "each process (ready, starting and what it waits for, restarting, stopped), Consul's passing services, the cluster");
        status.SetAction((_, _) => WithStack(stack => new StatusVerb(stack).Run()));

        var portsBase = new Option<int>("--base-port") { DefaultValueFactory = _ => StackPorts.DefaultBase };
        var portsEdge = new Option<int>("--port") { DefaultValueFactory = _ => StackPorts.DefaultEdge };
        var ports = new Command("ports", "the stack's port map") { portsBase, portsEdge };
        ports.SetAction(result => ToolVerbs.Ports(result.GetValue(portsBase), result.GetValue(portsEdge)));

        var logName = new Argument<string?>("NAME") { Arity = ArgumentArity.ZeroOrOne, Description = "consul, redis, edge, silo-1, gateway-2, ..." };
        var logs = new Command("logs", "the logs (all, or one)") { logName };
        logs.SetAction((result, _) => WithTools(tools => tools.Logs(result.GetValue(logName))));

        var down = new Command("down", "stop everything started here (SIGTERM, then SIGKILL after 40 s); Consul's and Redis's data stay");
        down.SetAction((_, _) => WithStack(stack => new DownVerb(stack).Run()));

        var fast = new Option<bool>("--fast") { Description = "the unit and contract tiers only (about a minute)" };
        var test = new Command("test", "install what the tests need, build with warnings as errors, run every test") { fast };
        test.TreatUnmatchedTokensAsErrors = false;
        test.SetAction((result, _) => Guard(() => new TestVerb(Repository.Find(), RunFolder.For(Repository.Find().Root)).Run(result.GetValue(fast), result.UnmatchedTokens)));

        var images = new Command("images", "build the container images deploy/docker-compose.yml runs (Docker installed and started if missing)");
        images.TreatUnmatchedTokensAsErrors = false;
        images.SetAction((result, _) => WithTools(tools => tools.Images(result.UnmatchedTokens)));

        var bench = new Command("bench", "measure a stack of its own against references; writes bench/results/report.md and report.json");
        bench.TreatUnmatchedTokensAsErrors = false;
        bench.SetAction((result, _) => WithTools(tools => tools.Bench(result.UnmatchedTokens)));

        var only = new Option<string?>("--only") { Description = $"comma-separated scenarios (default all: {string.Join(", ", Chaos.ChaosScenarios.All.Select(s => s.Name))})" };
        var report = new Option<string?>("--report") { Description = "where the report goes (default docs/chaos-report.md)" };
        var rate = new Option<double>("--rate") { Description = "requests a second of each scenario's open-loop load", DefaultValueFactory = _ => Chaos.ChaosRunner.DefaultRate };
        var repeat = new Option<int>("--repeat") { Description = $"run the chosen scenarios this many times in turn (1 to {ChaosVerb.MaxRepeat}), and report each scenario's spread", DefaultValueFactory = _ => 1 };
        var chaos = new Command(ChaosVerb.Name, "the container deployment (3 Consul servers, 3 silos, 2 gateways) under partitions, pauses, kills and Consul's leader lost, each under a checked " +
            "open-loop load; one line per scenario, a report, exit 1 on any violation, lost write or unaffected keys' p99 over 1 s") { only, report, rate, repeat };
        chaos.SetAction((result, stop) => WithTools(tools => new ChaosVerb(Repository.Find(), tools).Run(result.GetValue(only), result.GetValue(report), result.GetValue(rate), result.GetValue(repeat), stop)));

        var fresh = new Option<bool>("--fresh") { Description = "start a stack of its own first (down, then up with 2 silos and 2 gateways)" };
        var pace = new Option<bool>("--pace") { Description = "wait for Enter between steps, for a live audience" };
        var demoPort = new Option<int?>("--port") { Description = "with --fresh: the front door's port" };
        var demoBase = new Option<int?>("--base-port") { Description = "with --fresh: the first port of the stack's map" };
        var demo = new Command("demo", "the membership-change demo, narrated, under live traffic: scale out, a graceful leave, a crash, a Consul restart, gateways in and out; a summary of every step") { fresh, pace, demoPort, demoBase };
        demo.SetAction((result, _) => WithStack(stack => new Demo.DemoVerb(stack).Run(
            result.GetValue(fresh), result.GetValue(pace), result.GetValue(demoPort), result.GetValue(demoBase))));

        var part = new Argument<string>("NAME");
        var runFolder = new Option<string>("--run") { Required = true };
        var program = new Argument<string[]>("COMMAND") { Arity = ArgumentArity.OneOrMore };
        var supervise = new Command("supervise", "(internal) run one part of the stack and keep it running") { part, runFolder, program };
        supervise.Hidden = true;
        supervise.SetAction((result, _) =>
        {
            var command = result.GetRequiredValue(program);
            return new Supervisor(result.GetRequiredValue(part), new RunFolder(result.GetRequiredValue(runFolder)), command[0], command[1..]).RunAsync();
        });

        foreach (var command in new[] { up, scale, kill, stop, restartVerb, status, ports, logs, down, demo, test, images, bench, chaos, supervise })
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    private static Task<int> WithStack(Func<LocalStack, Task<int>> verb) => Guard(async () =>
    {
        var repository = Repository.Find();
        using var stack = new LocalStack(repository, RunFolder.For(repository.Root));
        return await verb(stack);
    });

    private static Task<int> WithTools(Func<ToolVerbs, Task<int>> verb) => Guard(() =>
    {
        var repository = Repository.Find();
        return verb(new ToolVerbs(repository, RunFolder.For(repository.Root)));
    });

    // System.CommandLine reports an exception from an action with its stack; a StackException is a plain sentence instead.
    private static async Task<int> Guard(Func<Task<int>> verb)
    {
        try
        {
            return await verb();
        }
        catch (StackException e)
        {
            Say.Line(e.Message);
            return 1;
        }
    }
}
