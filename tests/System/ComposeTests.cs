using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Autopilot.Chaos;
using Autopilot.Contracts;
using Autopilot.Hosting;
using Autopilot.Stack.Processes;
using Autopilot.Stack.Traffic;
using Autopilot.Testing;

namespace Autopilot.SystemTests;

/// <summary>
/// The first use of the stack: <c>docker-compose --scale silo=N</c>, as a user runs it after <c>./autopilot images</c>. One
/// story, because each step builds on what the previous one left, as it would for a user; it prints its figures.
/// </summary>
[Collection(ContainerCollection.Name)]
[Trait("Category", "system")]
public sealed class ComposeTests(ContainerEngine engine)
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan CutFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LeaderAwayFor = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan GatewayCutFor = TimeSpan.FromSeconds(20);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Compose_scales_silos_survives_a_kill_a_stop_a_crash_partitions_and_the_loss_of_Consuls_leader_loses_no_acknowledged_write_refuses_bad_configuration_and_down_leaves_nothing()
    {
        var project = new ComposeProject();
        await using (project)
        {
            using var front = new HttpClient { BaseAddress = project.Front, Timeout = TimeSpan.FromSeconds(30) };

            // 1. Three silos and two gateways: the workshop's rows through the published port, three Active silos at container addresses.
            var clock = Stopwatch.StartNew();
            await project.Compose(Generous, "up", "-d", "--scale", "silo=3", "--scale", "gateway=2");
            var three = await Eventually.Holds(() => project.Cluster(front), c => c.Active.Count() == 3, Generous, "three silos are Active", Logs(project));
            var upToActive = clock.Elapsed;
            Assert.Equal(3, three.Silos.Where(s => s.Status == "Active").Select(s => s.Address.Split(':')[0]).Distinct().Count());
            Assert.All(three.Silos, s => Assert.DoesNotContain("127.0.0.1", s.Address, StringComparison.Ordinal));
            Assert.Equal("reachable", three.Consul);
            // Consul runs with its ACLs, default deny: the one-shot bootstrap put every role's token in place, and a call
            // without a token is refused. (Docker mounts secrets without an extension; Consul skipped its ACL file until
            // told its format, and ran open while every host logged that it needed no token.)
            var bootstrap = (await project.Containers("consul-acl")).Single();
            await Eventually.Holds(() => engine.Logs(bootstrap),
                log => log.Contains("policies and tokens of agent, silo, gateway, edge and prometheus are in place", StringComparison.Ordinal), Generous, "the ACL bootstrap ran", Logs(project));
            var anonymous = await Command.Try(engine.Docker, ["exec", (await project.Containers("consul-1")).Single(), "consul", "kv", "put", "stranger", "x"], TimeSpan.FromMinutes(1));
            // (A follower says "403 (rpc error making call: Permission denied)", the leader "403 (Permission denied)".)
            Assert.True(anonymous.Code != 0 && Regex.IsMatch(anonymous.Output + anonymous.Error, @"403 \((rpc error making call: )?Permission denied\)"),
                $"an anonymous KV write inside the project answered: exit {anonymous.Code} {anonymous.Output}{anonymous.Error}");
            var seeded = await Eventually.Holds(() => front.GetFromJsonAsync<CustomerRecord[]>("/customers", Json), rows => rows!.Length == 4, Generous, "the four workshop rows");
            Assert.All(seeded!, row => Assert.NotNull(row.Rep));
            using var prometheus = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{project.PrometheusPort}"), Timeout = TimeSpan.FromSeconds(5) };
            await Eventually.Holds(() => prometheus.GetFromJsonAsync<JsonElement>("/api/v1/targets?state=active"),
                targets => targets.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
                    .Count(t => t.GetProperty("labels").GetProperty("service").GetString() == "silo" && t.GetProperty("health").GetString() == "up") == 3,
                Generous, "Prometheus scrapes the three silos it found through Consul");

            // 2. Five silos: the new ones get activations.
            var names = Enumerable.Range(0, 300).Select(i => $"Compose Co {i}").ToList();
            await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (name, token) =>
            {
                // A kept-alive connection that nginx closes as it reloads (the second gateway joining) can take a request
                // with it; PUT is idempotent, so a client sends it again, as the README says.
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        using var response = await front.PutAsJsonAsync($"/customers/{Uri.EscapeDataString(name)}", new { location = "Harbor" }, token);
                        Assert.True(response.IsSuccessStatusCode, $"PUT {name}: {(int)response.StatusCode}");
                        return;
                    }
                    catch (HttpRequestException) when (attempt < 3)
                    {
                    }
                }
            });
            await project.Compose(Generous, "up", "-d", "--no-recreate", "--scale", "silo=5", "--scale", "gateway=2");
            await Eventually.Holds(() => project.Cluster(front),
                c => c.Silos.Count(s => s.Status == "Active") == 5 && c.Silos.Where(s => s.Status == "Active").All(s => s.Activations >= 15),
                Generous, "five Active silos, each holding activations", Logs(project));

            await using (var loop = new RequestLoop(project.Front, ["/customers/Hooli", "/customers?limit=20", "/sales/Alice"], writePrefix: "Compose Loop"))
            {
                await loop.AfterMore(100);

                // 3. docker kill of a silo: the cluster recovers (its grains reactivate on the survivors).
                var silos = await project.Containers("silo");
                var killedAt = loop.Now;
                await engine.Run(TimeSpan.FromMinutes(1), "kill", silos[0]);
                var requestsAtKill = loop.Requests;
                var recovered = await Eventually.Holds(() => Task.FromResult((loop.Now, Last: loop.LastFailure(), Done: loop.Requests - requestsAtKill)),
                    s => s.Done >= 50 && (s.Last is null || s.Now - s.Last > TimeSpan.FromSeconds(5)), Generous, "requests succeed again after the kill");
                var killRecovery = (recovered.Last ?? killedAt) - killedAt;

                // 4. docker stop of another: a clean leave fails no request.
                var beforeStop = loop.Now;
                await engine.Run(TimeSpan.FromMinutes(2), "stop", silos[1]);
                await loop.AfterMore(200);
                var duringStop = loop.FailuresBetween(beforeStop, loop.Now);
                Assert.True(duringStop.Count == 0, $"{duringStop.Count} request(s) failed during the stop:\n{string.Join('\n', duringStop)}");
                Assert.Equal("0", (await engine.Run(TimeSpan.FromMinutes(1), "inspect", "-f", "{{.State.ExitCode}}", silos[1])).Trim());

                // 5. A crash (the process killed from outside, not by docker): the restart policy brings the container back,
                // and the silo joins again as a new member.
                var crashed = silos[2];
                var pid = int.Parse((await engine.Run(TimeSpan.FromMinutes(1), "inspect", "-f", "{{.State.Pid}}", crashed)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                var before = (await project.Cluster(front)).Silos.Where(s => s.Status == "Active").Select(s => s.Address).ToHashSet();
                Signals.Send(pid, Signals.SigKill);
                await Eventually.Holds(() => engine.Run(TimeSpan.FromMinutes(1), "inspect", "-f", "{{.RestartCount}} {{.State.Running}}", crashed),
                    state => state.Trim() == "1 true", Generous, "the restart policy restarted the crashed silo");
                await Eventually.Holds(() => project.Cluster(front), c => c.Silos.Count(s => s.Status == "Active" && !before.Contains(s.Address)) == 1, Generous,
                    "the restarted silo is Active as a new member", Logs(project));

                var failedBeforeCut = loop.FailureCount;
                var requestsBeforeCut = loop.Requests;

                // 6. A partition: one silo cut from the other silos (iptables in their network namespaces) while it still
                // reaches the gateways, Consul and Redis, under a load whose history is checked. The others declare it dead;
                // it learns so from Consul and ends with exit code 3 (never Orleans' abort); Docker restarts it, and once the
                // cut heals it is Active again as a new member. Every record stays linearizable through it all.
                var cut = silos[3];
                await using var chaos = new ChaosLoad(project.Front, "Compose Chaos", pause: TimeSpan.FromMilliseconds(50));
                await Eventually.Holds(() => Task.FromResult(chaos.History.Operations.Count(o => o.Outcome == Outcome.Ok)), n => n >= 50, Generous, "the checked load runs");
                var cutAt = loop.Now;
                string cutDescription;
                TimeSpan endedAfter;
                await using (var partition = await Partition.Cut(engine, cut, [silos[2], silos[4]]))
                {
                    cutDescription = partition.Description;
                    await Eventually.Holds(() => engine.Logs(cut), log => log.Contains("ending at once with exit code 3", StringComparison.Ordinal),
                        Generous, $"the cut silo ({partition.Description}) is declared dead and ends with exit code 3", Logs(project));
                    endedAfter = loop.Now - cutAt;

                    // The cut lasts its full length however soon the silo ended: restarted, it tries to join while still cut.
                    var rest = CutFor - (loop.Now - cutAt);
                    if (rest > TimeSpan.Zero)
                    {
                        await Task.Delay(rest);
                    }
                }

                var healedAt = loop.Now;
                // Named after its container's host name, which a restart keeps (its address it does not).
                var cutHost = (await engine.Run(TimeSpan.FromMinutes(1), "inspect", "-f", "{{.Config.Hostname}}", cut)).Trim();
                await Eventually.Holds(() => project.Cluster(front), c => c.Silos.Count(s => s.Status == "Active") == 3
                    && c.Silos.Any(s => s.Status == "Active" && s.Name.Contains(cutHost, StringComparison.Ordinal))
                    && c.Silos.Any(s => s.Status == "Dead" && s.Name.Contains(cutHost, StringComparison.Ordinal)), Generous,
                    "the cut silo is Active again as a new member once the cut healed", Logs(project));
                var logOfCut = await engine.Logs(cut);
                Assert.DoesNotContain("FATAL EXCEPTION", logOfCut, StringComparison.Ordinal);
                var restarts = (await engine.Run(TimeSpan.FromMinutes(1), "inspect", "-f", "{{.RestartCount}}", cut)).Trim();
                var failedDuringCut = loop.FailuresBetween(cutAt, healedAt);

                // 7. Consul's leader lost, under the same checked load: the leader's container is killed and stays down for
                // LeaderAwayFor. The other two servers elect a leader; every client that talked to the lost one moves to
                // another, and so do the registrations it held. No request fails. Back, the server rejoins as a voter and
                // holds no registration twice.
                var quorum = await ConsulQuorum.Of(engine, project);
                var leader = await Eventually.Holds(() => quorum.Leader("consul-1"), l => l is not null, Generous, "Consul has a leader");
                Assert.Equal(3, (await quorum.Peers("consul-1")).Count(p => p.Voter));
                var survivor = ConsulQuorum.Nodes.First(n => n != leader);
                var lostAt = loop.Now;
                var failuresBeforeLoss = loop.FailureCount;
                await engine.Run(TimeSpan.FromMinutes(1), "stop", "-t", "0", quorum.Servers[leader!]);
                var newLeader = await Eventually.Holds(() => quorum.Leader(survivor), l => l is not null && l != leader, Generous, $"the servers left elect a leader in place of {leader}");
                var electedAfter = loop.Now - lostAt;
                await Eventually.Holds(() => quorum.PassingHosts(survivor),
                    p => p.All.All(i => i.Node != leader) && p.Silos.Count == 3 && p.Gateways.Count == 2 && p.Edge.Count == 1,
                    Generous, $"every registration {leader} held moved to a server left, and passes", Logs(project));
                var movedAfter = loop.Now - lostAt;
                var awayFor = LeaderAwayFor - (loop.Now - lostAt);
                if (awayFor > TimeSpan.Zero)
                {
                    await Task.Delay(awayFor);
                }

                await loop.AfterMore(20);
                var failedWhileLost = loop.FailuresBetween(lostAt, loop.Now);
                Assert.True(failedWhileLost.Count == 0,
                    $"{failedWhileLost.Count} request(s) failed while Consul's leader {leader} was lost:\n{string.Join('\n', failedWhileLost.Take(10))}");
                await engine.Run(TimeSpan.FromMinutes(1), "start", quorum.Servers[leader!]);
                await Eventually.Holds(() => quorum.Peers(leader!), peers => peers.Count(p => p.Voter) == 3 && peers.Count(p => p.State == "leader") == 1, Generous,
                    $"{leader} is back among three voters");
                await Eventually.Holds(() => quorum.PassingHosts(leader!),
                    p => p.Silos.Count == 3 && p.Gateways.Count == 2 && p.Edge.Count == 1 && p.All.Select(i => i.Id).Distinct().Count() == 6,
                    Generous, $"{leader}, back, lists each silo, gateway and the edge once (what it held before was taken off)", Logs(project));

                // 8. One gateway cut from one silo (both ways) for GatewayCutFor, under the same checked load. Nobody is declared
                // dead: the silo still reaches its peers, and the gateway its other silos. Checked here: the guarantees
                // hold and nobody is declared dead; measured: what the cut costs the loop and the checked load (the
                // connection gives up after Deadlines.UnacknowledgedSend and the client keeps away from that silo, but the
                // calls in flight wait out their own timeouts; issue 19's "a fault stays with its silo").
                var gateway = (await project.Containers("gateway"))[0];
                var farSilo = silos[4];
                var activeBefore = (await project.Cluster(front)).Silos.Where(s => s.Status == "Active").Select(s => s.Address).ToHashSet();
                var gatewayCutAt = loop.Now;
                var historyCutAt = chaos.History.Now;
                string gatewayCut;
                await using (var partition = await Partition.Cut(engine, gateway, [farSilo]))
                {
                    gatewayCut = partition.Description;
                    await Task.Delay(GatewayCutFor);
                }

                var gatewayHealedAt = loop.Now;
                var historyHealedAt = chaos.History.Now;
                await loop.AfterMore(50);
                var failedGatewayCut = loop.FailuresBetween(gatewayCutAt, gatewayHealedAt);
                var gapGatewayCut = loop.LongestGapWithoutSuccess(gatewayCutAt, gatewayHealedAt);
                var activeAfter = (await project.Cluster(front)).Silos.Where(s => s.Status == "Active").Select(s => s.Address).ToHashSet();
                Assert.True(activeAfter.SetEquals(activeBefore),
                    $"a gateway cut from one silo changed the membership: Active before {string.Join(", ", activeBefore)}, after {string.Join(", ", activeAfter)}");
                var verdict = await chaos.FinishAsync();
                // The checked load's slow operations in the cut (answered after more than a read's timeout, or never), by when
                // they were sent: the gateway's connection to the silo gives up after Deadlines.UnacknowledgedSend, and the
                // calls sent through it before then wait out their own timeouts.
                var slowInCut = verdict.Operations
                    .Where(o => o.Invoked >= historyCutAt && o.Invoked <= historyHealedAt && (o.Completed is not { } c || c - o.Invoked > Deadlines.GrainRead))
                    .Select(o => $"{o.Kind.ToString().ToLowerInvariant()} sent at +{(o.Invoked - historyCutAt).TotalSeconds:0.0} s took {(o.Completed is { } c ? $"{(c - o.Invoked).TotalSeconds:0.0} s" : "forever")}{(o.Status is { } st ? $" ({st})" : "")}")
                    .ToList();
                Assert.True(verdict.Violations.Count == 0, $"the history of {verdict.Operations.Count} operations breaks its guarantees:\n{string.Join('\n', verdict.Violations.Take(10))}");

                var lost = await loop.LostWrites(front);
                Assert.True(lost.Count == 0, $"{lost.Count} of {loop.Acknowledged.Count} acknowledged writes are lost:\n{string.Join('\n', lost.Take(10))}");
                TestFigures.Print($"compose: up to 3 Active silos {upToActive.TotalSeconds:0.0} s; kill recovery {killRecovery.TotalSeconds:0.0} s; " +
                    $"{failedBeforeCut} failed of {requestsBeforeCut} requests over the kill, stop and crash ({loop.Resent} resent after nginx closed their keep-alive connection); " +
                    $"{loop.Acknowledged.Count} acknowledged writes, 0 lost; a silo cut from its peers ({cutDescription}) for {(healedAt - cutAt).TotalSeconds:0} s ended with exit code 3 {endedAfter.TotalSeconds:0} s after the cut began, " +
                    $"restarted {restarts} time(s) in all, and rejoined; {failedDuringCut.Count} of the loop's requests failed during the cut; " +
                    $"Consul's leader {leader} lost for {LeaderAwayFor.TotalSeconds:0} s: {newLeader} elected after {electedAfter.TotalSeconds:0.0} s, every registration passing on the servers left after {movedAfter.TotalSeconds:0.0} s, 0 of the loop's requests failed; " +
                    $"a gateway cut from one silo ({gatewayCut}) for {(gatewayHealedAt - gatewayCutAt).TotalSeconds:0} s: nobody declared dead, {failedGatewayCut.Count} of the loop's requests failed ({string.Join(", ", failedGatewayCut.GroupBy(f => StatusOf(f.What)).Select(g => $"{g.Key} x{g.Count()}"))}), the longest stretch without a success {gapGatewayCut.TotalSeconds:0.0} s; " +
                    $"{slowInCut.Count} of the checked load's operations in it were slow ({string.Join("; ", slowInCut.Take(12))}); " +
                    $"checked history: {verdict.Summary}");
            }

            // 9. Bad configuration: exit 2 with one sentence, in a container as on the command line.
            var (code, output, error) = await Command.Try("/usr/bin/docker-compose",
                ["-p", project.Name, "-f", Path.Combine(Repo.Root, "deploy", "docker-compose.yml"), "run", "--rm", "--no-deps", "-e", "Orleans__Endpoints__SiloPort=eleven", "silo"],
                Generous, project.Environment);
            Assert.True(code == 2, $"a silo with a bad port exited {code}:\n{output}{error}");
            Assert.Contains("Orleans:Endpoints:SiloPort must be a port between 1 and 65535; it is 'eleven'.", output + error, StringComparison.Ordinal);

            // 10. No gateway: nginx answers 503 problem+json.
            await project.Compose(Generous, "up", "-d", "--no-recreate", "--scale", "silo=3", "--scale", "gateway=0");
            var noGateway = await Eventually.Holds(() => front.GetAsync("/customers"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable, Generous, "nginx answers 503");
            Assert.Equal("application/problem+json", noGateway.Content.Headers.ContentType?.MediaType);

            // 11. down keeps the volumes: up again, and every customer is back.
            await project.Compose(Generous, "down");
            await project.Compose(Generous, "up", "-d", "--scale", "silo=2", "--scale", "gateway=1");
            foreach (var name in names.Take(50).Append("ACME Corporation"))
            {
                var row = await Eventually.Holds(() => front.GetFromJsonAsync<CustomerRecord>($"/customers/{Uri.EscapeDataString(name)}", Json), r => r is not null, Generous, $"{name} is back");
                Assert.Equal(name == "ACME Corporation" ? "Atlanta" : "Harbor", row!.Location);
            }

            // 12. down -v leaves nothing of the project.
            await project.Compose(Generous, "down", "-v");
            foreach (var kind in new[] { "ps -a", "volume ls", "network ls" })
            {
                var left = await engine.Run(TimeSpan.FromMinutes(1), [.. kind.Split(' '), "-q", "--filter", $"label=com.docker.compose.project={project.Name}"]);
                Assert.True(left.Trim().Length == 0, $"docker {kind} still lists: {left}");
            }
        }
    }

    // "PUT /customers/x: 504 {...}" → "504"; a failure with no answer → its exception's name.
    private static string StatusOf(string failure) =>
        Regex.Match(failure, @": (\d{3}) ") is { Success: true } m ? m.Groups[1].Value : Regex.Match(failure, @": (\w+Exception)").Groups[1].Value;

    private static Func<string> Logs(ComposeProject project) => () =>
        "\n" + project.Compose(TimeSpan.FromMinutes(1), "logs", "--tail", "15").GetAwaiter().GetResult();
}
