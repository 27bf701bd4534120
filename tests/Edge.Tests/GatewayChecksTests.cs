using Autopilot.Consul.Client;
using Microsoft.Extensions.Time.Testing;

namespace Autopilot.Edge.Tests;

/// <summary>How the edge reads a gateway's checks as Consul lists them: passing, not known yet, or failing.</summary>
[Trait("Category", "unit")]
public sealed class GatewayChecksTests
{
    private const string Lost = "Agent not live or unreachable";

    [Fact]
    public void A_gateway_whose_checks_all_pass_is_passing_and_one_whose_own_check_ran_and_failed_is_failing()
    {
        var (passing, @unchecked, failing) = GatewayChecks.Sort([
            Entry("a", "consul-1", Node("passing", "Agent alive and reachable"), Own("passing", "HTTP GET: 200 OK")),
            Entry("b", "consul-1", Node("passing", "Agent alive and reachable"), Own("critical", "HTTP GET: 503 Service Unavailable")),
            Entry("c", "consul-1", Node("passing", "Agent alive and reachable"), Own("warning", "HTTP GET: 429 Too Many Requests")),
        ]);

        Assert.Equal(["a"], passing.Select(g => g.Id));
        Assert.Empty(@unchecked);
        Assert.Equal(["b", "c"], failing.Select(g => g.Id));
    }

    [Fact]
    public void A_check_that_has_not_run_says_nothing_and_neither_does_the_node_check_of_a_Consul_server_that_is_gone()
    {
        var (passing, @unchecked, failing) = GatewayChecks.Sort([
            Entry("a", "consul-1", Node("passing", "Agent alive and reachable"), Own("critical", "")),
            Entry("b", "consul-2", Node("critical", Lost), Own("passing", "HTTP GET: 200 OK")),
            Entry("c", "consul-2", Node("critical", Lost), Own("critical", "HTTP GET: 503 Service Unavailable")),
        ]);

        Assert.Empty(passing);
        Assert.Equal(["a", "b"], @unchecked.Select(g => g.Id));
        Assert.Equal(["c"], failing.Select(g => g.Id));
    }

    [Fact]
    public void A_service_check_that_happens_to_be_called_serfHealth_is_the_gateways_own_and_fails_it()
    {
        var own = new AgentCheck { CheckID = GatewayChecks.NodeCheck, ServiceID = "b", Status = "critical", Output = "connection refused" };

        var (_, @unchecked, failing) = GatewayChecks.Sort([Entry("b", "consul-1", Node("passing", "Agent alive and reachable"), own)]);

        Assert.Empty(@unchecked);
        Assert.Equal(["b"], failing.Select(g => g.Id));
    }

    [Fact]
    public void A_gateway_listed_on_a_server_gone_and_on_the_one_it_moved_to_is_one_passing_upstream_server()
    {
        var (passing, @unchecked, _) = GatewayChecks.Sort([
            Entry("b", "consul-2", Node("critical", Lost), Own("passing", "HTTP GET: 200 OK")),
            Entry("b", "consul-3", Node("passing", "Agent alive and reachable"), Own("passing", "HTTP GET: 200 OK")),
        ]);

        Assert.Equal(["b"], passing.Select(g => g.Id));
        Assert.Equal(["b"], @unchecked.Select(g => g.Id));
    }

    [Fact]
    public void When_Consuls_leader_is_lost_the_gateways_registered_on_it_stay_in_the_upstream_while_they_move_to_a_server_left()
    {
        // Leader-loss as the compose chaos runs it: the edge's watch fails until a leader is elected; the gateway registered
        // on the stopped server is then listed with that node's check critical, and a few seconds later on a server left.
        var time = new FakeTimeProvider();
        var policy = new SettlePolicy(TimeSpan.FromSeconds(10), time);
        var alive = Node("passing", "Agent alive and reachable");
        Assert.Equal(["a", "b"], Next(policy, Entry("a", "consul-1", alive, Own("passing", "ok")), Entry("b", "consul-2", alive, Own("passing", "ok")))!.Select(g => g.Id));

        policy.Recovered();
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(Next(policy, Entry("a", "consul-1", alive, Own("passing", "ok")), Entry("b", "consul-2", Node("critical", Lost), Own("passing", "ok"))));
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Null(Next(policy, Entry("a", "consul-1", alive, Own("passing", "ok")), Entry("b", "consul-2", Node("critical", Lost), Own("passing", "ok")),
            Entry("b", "consul-3", alive, Own("critical", ""))));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(Next(policy, Entry("a", "consul-1", alive, Own("passing", "ok")), Entry("b", "consul-3", alive, Own("passing", "ok"))));

        // Had it never moved, it leaves when the settle period ends.
        policy.Recovered();
        Assert.Null(Next(policy, Entry("a", "consul-1", alive, Own("passing", "ok")), Entry("b", "consul-2", Node("critical", Lost), Own("passing", "ok"))));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(["a"], Next(policy, Entry("a", "consul-1", alive, Own("passing", "ok")), Entry("b", "consul-2", Node("critical", Lost), Own("passing", "ok")))!.Select(g => g.Id));
    }

    private static IReadOnlyList<GatewayEndpoint>? Next(SettlePolicy policy, params ServiceEntry[] entries)
    {
        var (passing, @unchecked, failing) = GatewayChecks.Sort(entries);
        return policy.Next(passing, @unchecked, failing);
    }

    private static AgentCheck Node(string status, string output) =>
        new() { CheckID = GatewayChecks.NodeCheck, Name = "Serf Health Status", Status = status, Output = output };

    private static AgentCheck Own(string status, string output) =>
        new() { CheckID = "service:own", Name = "ready", Status = status, Output = output, ServiceID = "own", ServiceName = "gateway" };

    private static ServiceEntry Entry(string id, string node, params AgentCheck[] checks) => new()
    {
        Node = new CatalogNode { Node = node, Address = "10.0.0.1" },
        Service = new AgentService { ID = id, Service = "gateway", Address = "127.0.0.1", Port = 1000 + id[0] },
        Checks = [.. checks],
    };
}
