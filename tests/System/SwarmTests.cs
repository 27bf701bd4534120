using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Autopilot.Contracts;
using Autopilot.Stack.Model;
using Autopilot.Stack.Traffic;
using Autopilot.Testing;

namespace Autopilot.SystemTests;

/// <summary>
/// The same compose file as a Swarm stack on a one-node swarm: deploy, scale the silos, and roll the gateways and then the
/// silos (start-first, one at a time) under a read and write loop that must not see a failure. Prints its figures.
/// </summary>
[Collection(ContainerCollection.Name)]
[Trait("Category", "system")]
public sealed class SwarmTests(ContainerEngine engine) : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(4);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string stack = $"apswarm{Guid.NewGuid():N}"[..15];
    private readonly int port = TestPorts.Next();
    private bool joined;

    public async Task InitializeAsync()
    {
        var state = (await engine.Run(TimeSpan.FromMinutes(1), "info", "-f", "{{.Swarm.LocalNodeState}}")).Trim();
        if (state != "active")
        {
            await engine.Run(TimeSpan.FromMinutes(2), "swarm", "init", "--advertise-addr", "127.0.0.1");
            joined = true;
            // The manager takes a moment before it accepts stacks.
            await Eventually.Holds(() => Command.Try(engine.Docker, ["node", "ls"], TimeSpan.FromMinutes(1)), r => r.Code == 0, TimeSpan.FromMinutes(2), "the swarm manager answers");
        }
    }

    public async Task DisposeAsync()
    {
        // The hosts first, while Consul and Redis still answer: they deregister and hand over in seconds. Removed together,
        // each silo waited its whole shutdown budget for a Consul that had gone, and Docker killed it at its grace (40 s).
        await Command.Try(engine.Docker, ["service", "rm", $"{stack}_edge", $"{stack}_gateway", $"{stack}_silo"], TimeSpan.FromMinutes(2));
        await Eventually.Holds(() => Command.Try(engine.Docker, ["ps", "-q", "--filter", $"label=com.docker.stack.namespace={stack}", "--filter", "name=_silo."], TimeSpan.FromMinutes(1)),
            r => r.Output.Trim().Length == 0, TimeSpan.FromMinutes(2), "the stack's silos are gone");
        await Command.Try(engine.Docker, ["stack", "rm", stack], TimeSpan.FromMinutes(2));
        // A stack's network goes once its tasks are gone, and a volume once no container holds it, stopped ones included:
        // wait for every container of the stack (-a) before leaving the swarm. Waiting for the running ones only, the
        // volume removal below met containers that had stopped but were not yet removed, and left 1-5 volumes a run.
        await Eventually.Holds(() => Command.Try(engine.Docker, ["ps", "-a", "-q", "--filter", $"label=com.docker.stack.namespace={stack}"], TimeSpan.FromMinutes(1)),
            r => r.Output.Trim().Length == 0, TimeSpan.FromMinutes(2), "the stack's containers are gone");
        if (joined)
        {
            await Command.Run(engine.Docker, ["swarm", "leave", "--force"], TimeSpan.FromMinutes(2));
        }

        string[] volumes = [$"{stack}_consul-1-data", $"{stack}_consul-2-data", $"{stack}_consul-3-data", $"{stack}_redis-data", $"{stack}_prometheus-data"];
        await Command.Try(engine.Docker, ["volume", "rm", .. volumes], TimeSpan.FromMinutes(1));
        var left = (await Command.Try(engine.Docker, ["volume", "ls", "-q", "--filter", $"name={stack}_"], TimeSpan.FromMinutes(1))).Output.Trim();
        Assert.True(left.Length == 0, $"the stack left volumes behind: {left}");
    }

    [Fact]
    public async Task A_stack_deploys_scales_and_rolls_gateways_and_silos_under_load_without_a_failed_request()
    {
        var environment = new Dictionary<string, string>(engine.Images) { ["AUTOPILOT_PORT"] = $"{port}", ["PROMETHEUS_PORT"] = $"{TestPorts.Next()}" };
        using var front = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };

        var clock = Stopwatch.StartNew();
        await Command.Run(engine.Docker, ["stack", "deploy", "-c", Path.Combine(Repo.Root, "deploy", "docker-compose.yml"), stack], Generous, environment);
        await Eventually.Holds(() => front.GetFromJsonAsync<ClusterAnswer>("/cluster", Json), c => c!.Active.Count() == 2, Generous,
            "the stack's two silos are Active", Services);
        var deployed = clock.Elapsed;
        await Eventually.Holds(() => front.GetFromJsonAsync<CustomerRecord[]>("/customers", Json), rows => rows!.Length == 4, Generous, "the workshop's rows");

        // Consul runs with its ACLs under Swarm too: a call without a token, from inside the stack, is refused. It runs as
        // three servers, each a voter.
        var consul = (await Command.Run(engine.Docker, ["ps", "-q", "--filter", $"label=com.docker.swarm.service.name={stack}_consul-1"], TimeSpan.FromMinutes(1))).Trim().Split('\n')[0];
        // "No cluster leader" is no verdict on the token: Consul is electing (a server starved of CPU misses heartbeats); ask again.
        var anonymous = await Eventually.Holds(() => Command.Try(engine.Docker, ["exec", consul, "consul", "kv", "put", "stranger", "x"], TimeSpan.FromMinutes(1)),
            r => !(r.Output + r.Error).Contains("No cluster leader", StringComparison.Ordinal), Generous, "Consul has a leader to answer an anonymous write");
        Assert.True(anonymous.Code != 0 && Regex.IsMatch(anonymous.Output + anonymous.Error, @"403 \((rpc error making call: )?Permission denied\)"),
            $"an anonymous KV write inside the stack answered: exit {anonymous.Code} {anonymous.Output}{anonymous.Error}");
        var peers = await Eventually.Holds(() => Command.Try(engine.Docker, ["exec", consul, "consul", "operator", "raft", "list-peers", "-token-file=/run/secrets/consul_master_token"], TimeSpan.FromMinutes(1)),
            r => r.Output.Split('\n').Count(l => l.Contains(" true ", StringComparison.Ordinal) && (l.Contains("leader", StringComparison.Ordinal) || l.Contains("follower", StringComparison.Ordinal))) == 3,
            Generous, "Consul runs as three voting servers");
        Assert.Contains(peers.Output.Split('\n'), l => l.Contains("leader", StringComparison.Ordinal));

        // Detached: what counts is that three silos are Active (with the services' state if not), not docker's own convergence
        // wait. Three, not four: each silo is one more start-first step of the rolling update below (about 25 s on two cores,
        // a fifth silo running beside the others while its replacement starts).
        await engine.Run(Generous, "service", "scale", "--detach", $"{stack}_silo=3");
        await Eventually.Holds(() => front.GetFromJsonAsync<ClusterAnswer>("/cluster", Json), c => c!.Active.Count() == 3, Generous, "three silos are Active", Services);

        // A steady load, as the demo's: one client with 10 ms between requests (10-25 a second here). Sent back to back (44
        // a second), the loop kept the node's two cores at 100 % through the update (a load average of 14), where a new silo
        // starved of CPU can miss its probes, be declared dead (exit 3, once in CI) and pause the update: overload, not the
        // rolling update, which is what this test judges.
        await using var loop = new RequestLoop(front.BaseAddress!, ["/customers/Initech", "/sales?limit=10", "/customers/ACME%20Corporation"], writePrefix: "Swarm Loop",
            pause: TimeSpan.FromMilliseconds(10));
        await loop.AfterMore(100);
        var gatewaysFrom = loop.Now;
        await RollingUpdate("gateway", TimeSpan.FromMinutes(6));
        await loop.AfterMore(100);
        var gatewayFailures = loop.FailuresBetween(gatewaysFrom, loop.Now);
        var silosFrom = loop.Now;
        await RollingUpdate("silo", TimeSpan.FromMinutes(8));
        await loop.AfterMore(100);
        var siloFailures = loop.FailuresBetween(silosFrom, loop.Now);
        var lost = await loop.LostWrites(front);

        TestFigures.Print($"swarm: deployed to 2 Active silos in {deployed.TotalSeconds:0.0} s; rolling update of the gateways: {gatewayFailures.Count} failed requests; " +
            $"of the silos: {siloFailures.Count} failed; {loop.Requests} requests, {loop.Requests / loop.Now.TotalSeconds:0} a second ({loop.Resent} resent after nginx closed their keep-alive connection), " +
            $"{loop.Acknowledged.Count} acknowledged writes, {lost.Count} lost");
        if (gatewayFailures.Count > 0 || siloFailures.Count > 0 || lost.Count > 0)
        {
            var recent = await Recent("edge", "gateway", "silo");
            Assert.True(gatewayFailures.Count == 0, $"{gatewayFailures.Count} request(s) failed during the gateways' rolling update:\n{string.Join('\n', gatewayFailures.Take(10))}{recent}");
            Assert.True(siloFailures.Count == 0, $"{siloFailures.Count} request(s) failed during the silos' rolling update:\n{string.Join('\n', siloFailures.Take(10))}{recent}");
            Assert.Fail($"{lost.Count} acknowledged write(s) lost: {string.Join(", ", lost.Take(10))}{recent}");
        }
    }

    // A rolling update that Swarm paused says only which task ended early: the failure carries every task's state and
    // error (docker stack ps: its exit code among them), and the last lines of each of the service's containers that
    // exited (what the host said as it ended). `docker service logs` is left out: it did not end within a minute.
    private async Task RollingUpdate(string service, TimeSpan timeout)
    {
        var (code, output, error) = await Command.Try(engine.Docker, ["service", "update", "--force", "--detach=false", $"{stack}_{service}"], timeout);
        if (code != 0)
        {
            Assert.Fail($"the rolling update of {service} failed ({code}): {error.Trim()}\n{string.Join('\n', output.Split('\n').Where(l => !l.Contains("overall progress", StringComparison.Ordinal)).TakeLast(10))}" +
                $"{Services()}{await Exited(service)}");
        }
    }

    private Task<string> Exited(string service) =>
        LastLines(service, "exited container", 40, ["-a", "--filter", "status=exited"]);

    // The last lines of each of the service's containers that docker ps lists with these options, each under a heading.
    private async Task<string> LastLines(string service, string what, int count, string[] options)
    {
        var ids = (await Command.Try(engine.Docker, ["ps", "-q", .. options, "--filter", $"label=com.docker.swarm.service.name={stack}_{service}"], TimeSpan.FromMinutes(1)))
            .Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var logs = new StringBuilder();
        foreach (var id in ids)
        {
            var lines = (await engine.Logs(id)).Split('\n').Where(l => l.Length > 0).TakeLast(count).Select(l => l.Length > 240 ? l[..240] + "…" : l);
            logs.Append($"\n--- the last lines of {what} {id}:\n{string.Join('\n', lines)}");
        }

        return logs.ToString();
    }

    // What each running container of these services said last: a failed request tells only what nginx answered, and the
    // stack is gone once the test ends (a CI run's 2115 failures of the silos' update left nothing else to read).
    private async Task<string> Recent(params string[] services)
    {
        var logs = new StringBuilder(Services());
        foreach (var service in services)
        {
            logs.Append(await LastLines(service, $"{service} container", 30, []));
        }

        return logs.ToString();
    }

    private string Services() =>
        "\n" + Command.Try(engine.Docker, ["stack", "ps", "--no-trunc", stack], TimeSpan.FromMinutes(1)).GetAwaiter().GetResult().Output;
}
