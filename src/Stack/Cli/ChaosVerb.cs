using System.Net;
using System.Net.Sockets;
using Autopilot.Stack.Chaos;
using Autopilot.Stack.Containers;
using Autopilot.Stack.Model;

namespace Autopilot.Stack.Cli;

/// <summary>
/// <c>chaos</c>: the container deployment (docker-compose, three Consul servers, three silos, two gateways) under every
/// fault of <see cref="ChaosScenarios"/>, each checked (<see cref="ChaosRunner"/>); one line per scenario, a report, and a
/// summary line. It exits 1 when a scenario finds a violation, a lost write, unaffected keys slower than the bound at the
/// 99th percentile, or anything else wrong. The project it starts it also takes down, volumes and all, after it has kept every
/// container's log in the run folder (<c>.run/chaos/PROJECT</c>), and a Docker engine
/// it had to start it stops (one that answered before, or that <c>./autopilot images</c> left for docker-compose, stays).
/// Stopped by SIGTERM or Ctrl+C, it leaves the scenario it is in, keeps the logs, takes the project down and stops the
/// engine it started, within <see cref="CleanupTime"/>, writes no report, and exits 130.
/// </summary>
internal sealed class ChaosVerb(Repository repository, ToolVerbs tools)
{
    public const string Name = "chaos";

    /// <summary>How long a stopped run has to take down what it started (keeping the logs, compose down, the engine) before the process ends.</summary>
    public static readonly TimeSpan CleanupTime = TimeSpan.FromMinutes(3);

    private const int Silos = 3;
    private const int Gateways = 2;

    /// <summary>The most runs of each scenario <c>--repeat</c> asks for (a full run of every scenario takes about 8 min).</summary>
    public const int MaxRepeat = 10;

    public async Task<int> Run(string? only, string? reportPath, double rate, int repeat = 1, CancellationToken stop = default)
    {
        if (rate is not (> 0 and <= 1000))
        {
            throw new Processes.StackException($"--rate must be between 0 and 1000 requests a second; it is {rate}");
        }

        if (repeat is < 1 or > MaxRepeat)
        {
            throw new Processes.StackException($"--repeat must be between 1 and {MaxRepeat}; it is {repeat}");
        }

        var chosen = only is null ? ChaosScenarios.All : ChaosScenarios.Named(only);
        // Each round runs every chosen scenario once, in the run's order, so that a slow drift (the machine, the data) is
        // spread over the scenarios alike.
        IReadOnlyList<ChaosScenario> scenarios = [.. Enumerable.Repeat(chosen, repeat).SelectMany(s => s)];
        var report = Path.GetFullPath(reportPath ?? repository.At("docs", "chaos-report.md"));
        var engineStarted = RunFolder.For(repository.Root).DockerPidFile;
        var startedBefore = File.Exists(engineStarted) ? await File.ReadAllTextAsync(engineStarted) : null;
        if (await tools.Images([]) is not 0)
        {
            throw new Processes.StackException("building the images failed");
        }

        var engine = await DockerEngine.Start(repository.Root, new Dictionary<string, string>());
        var startedHere = File.Exists(engineStarted) && await File.ReadAllTextAsync(engineStarted) != startedBefore;
        try
        {
            return await Run(engine, scenarios, report, rate, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Say.Line("chaos: stopped before the end: no report written; the deployment is taken down");
            return 130;
        }
        finally
        {
            if (startedHere)
            {
                await engine.Stop();
            }
        }
    }

    private async Task<int> Run(DockerEngine engine, IReadOnlyList<ChaosScenario> scenarios, string report, double rate, CancellationToken stop)
    {
        await using var project = new ComposeProject(engine, repository.Root, $"apchaos{Guid.NewGuid():N}"[..15], FreePort(), FreePort(), ChaosRunner.DeploymentSettings);
        stop.ThrowIfCancellationRequested();
        Say.Line($"chaos: compose project {project.Name}, front door {project.Front}, {Silos} silos and {Gateways} gateways");
        await project.Compose(ChaosScenarios.Generous, "up", "-d", "--scale", $"silo={Silos}", "--scale", $"gateway={Gateways}");
        var runner = new ChaosRunner(project, line => Say.Result($"chaos: {line}"), rate);
        using (var front = new HttpClient { BaseAddress = project.Front, Timeout = TimeSpan.FromSeconds(10) })
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!(await runner.Whole(front) && (await ClusterAnswer.Read(front)).Active.Count() == Silos))
            {
                if (clock.Elapsed > TimeSpan.FromMinutes(5))
                {
                    Console.Error.WriteLine(await project.LogTail());
                    throw new Processes.StackException($"the deployment did not have {Silos} Active silos within 5 min");
                }

                await Task.Delay(TimeSpan.FromSeconds(1), stop);
            }
        }

        var quorum = await ConsulQuorum.Of(project);
        var servers = (await quorum.Peers(ConsulQuorum.Nodes[0])).Count(p => p.Voter);
        Say.Result($"chaos: consul: {servers} servers");
        IReadOnlyList<ScenarioResult> results;
        try
        {
            // A stop leaves the scenario where it is: taking the project down removes its faults with its containers.
            results = await runner.Run(scenarios).WaitAsync(stop);
        }
        finally
        {
            // What the hosts logged, for a scenario's "+N s" and the UTC time it began: the project goes down with its containers.
            var logs = RunFolder.For(repository.Root).Data(Path.Combine("chaos", project.Name));
            Say.Line($"chaos: {await project.SaveLogs(logs)} containers' logs kept in {logs}");
        }

        var verdict = new ChaosReport(results);
        var deployment = $"Run of `./autopilot chaos` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC: docker-compose, consul: {servers} servers, {Silos} silos, {Gateways} gateways, " +
            $"an open loop of {rate:0} requests a second per scenario (3 in 10 customer reads, 3 customer writes, 2 rep reads, 2 rep writes that also reassign the rep's client) over 24 customers and 6 reps of its own.";
        Directory.CreateDirectory(Path.GetDirectoryName(report)!);
        await File.WriteAllTextAsync(report, verdict.Markdown(deployment));
        Say.Line($"chaos: report written to {report}");
        foreach (var line in verdict.Spread)
        {
            Say.Result($"chaos: {line}");
        }

        Say.Result(verdict.Summary);
        return verdict.ExitCode;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
