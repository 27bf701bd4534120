using System.Net;
using Autopilot.Consul.Client;
using Autopilot.Testing;

namespace Autopilot.Edge.Tests;

/// <summary>The front door follows Consul: real nginx (Debian's package) or YARP, a real Consul agent, real HTTP.</summary>
[Collection(ConsulCollection.Name)]
[Trait("Category", "system")]
public sealed class EdgeTests(ConsulFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly string service = $"gateway-{Guid.NewGuid():N}";
    private readonly List<IAsyncDisposable> started = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var item in Enumerable.Reverse(started))
        {
            await item.DisposeAsync();
        }
    }

    private async Task<EdgeUnderTest> Edge(string mode, Uri? consul = null, params string[] extra) =>
        Track(await EdgeUnderTest.StartAsync(consul ?? fixture.Agent.Address, mode, service, extra));

    private async Task<FakeGateway> Gateway(string name, string? address = null) => await Gateway(name, fixture.Client, address);

    private async Task<FakeGateway> Gateway(string name, ConsulClient consul, string? address = null)
    {
        var gateway = Track(await FakeGateway.StartAsync($"{name}-{service}"));
        await gateway.RegisterAsync(consul, service, address);
        return gateway;
    }

    private T Track<T>(T item)
        where T : IAsyncDisposable
    {
        started.Add(item);
        return item;
    }

    private static Task<EdgeSnapshot> Serving(EdgeUnderTest edge, params FakeGateway[] gateways) =>
        Eventually.Holds(edge.Upstreams, s => s.Gateways.Order().SequenceEqual(gateways.Select(g => $"127.0.0.1:{g.Port}").Order()), Generous,
            $"the edge's upstream is exactly {string.Join(", ", gateways.Select(g => g.Name))}");

    [Theory]
    [InlineData("nginx")]
    [InlineData("yarp")]
    public async Task Two_registered_gateways_are_the_upstream_and_requests_reach_both(string mode)
    {
        var edge = await Edge(mode);
        var a = await Gateway("a");
        var b = await Gateway("b");

        await Serving(edge, a, b);

        if (mode == "nginx")
        {
            var servers = File.ReadAllLines(Path.Combine(edge.RunDirectory, "gateways.conf")).Where(l => l.TrimStart().StartsWith("server ", StringComparison.Ordinal)).ToList();
            Assert.Equal(
                new[] { $"server 127.0.0.1:{a.Port} max_fails=1 fail_timeout=2s;", $"server 127.0.0.1:{b.Port} max_fails=1 fail_timeout=2s;" }.Order(),
                servers.Select(s => s.Trim()).Order());
        }

        var reach = await edge.Reached(40);
        Assert.True(reach.Only(a, b), $"40 requests through the front door: {reach}");
    }

    [Theory]
    [InlineData("nginx")]
    [InlineData("yarp")]
    public async Task A_deregistered_gateway_leaves_the_upstream(string mode)
    {
        var edge = await Edge(mode);
        var a = await Gateway("a");
        var b = await Gateway("b");
        await Serving(edge, a, b);

        await a.DeregisterAsync(fixture.Client);

        await Serving(edge, b);
        var reach = await edge.Reached(20);
        Assert.True(reach.Only(b), $"20 requests through the front door: {reach}");
    }

    [Theory]
    [InlineData("nginx")]
    [InlineData("yarp")]
    public async Task With_no_gateway_the_front_door_answers_503_json_and_recovers_by_itself(string mode)
    {
        var edge = await Edge(mode);
        var a = await Gateway("a");
        await Serving(edge, a);

        await a.DeregisterAsync(fixture.Client);
        await Serving(edge);

        var response = await edge.Front.GetAsync("/customers");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("No gateway is available", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await edge.Front.GetAsync("/health")).StatusCode);

        var c = await Gateway("c");
        await Serving(edge, c);
        var reach = await edge.Reached(5);
        Assert.True(reach.Only(c), $"5 requests through the front door: {reach}");
    }

    [Theory]
    [InlineData("nginx")]
    [InlineData("yarp")]
    public async Task When_Consul_stops_the_last_upstream_is_still_served(string mode)
    {
        await using var agent = await ConsulAgent.StartAsync();
        var client = fixture.NewClient(agent.Address);
        var edge = await Edge(mode, agent.Address);
        var a = await Gateway("a", client);
        await Serving(edge, a);

        await agent.StopAsync();

        await Eventually.Holds(edge.Upstreams, s => !s.ConsulReachable, Generous, "the edge notices that Consul is gone");
        Assert.Equal([$"127.0.0.1:{a.Port}"], (await edge.Upstreams()).Gateways);
        var reach = await edge.Reached(20);
        Assert.True(reach.Only(a), $"20 requests through the front door with Consul down: {reach}");
    }

    [Theory]
    [InlineData("nginx")]
    [InlineData("yarp")]
    public async Task After_Consul_restarts_the_upstream_is_held_while_its_checks_settle_then_follows_Consul(string mode)
    {
        await using var agent = await ConsulAgent.StartAsync();
        var client = fixture.NewClient(agent.Address);
        var edge = await Edge(mode, agent.Address, "--Edge:SettleAfterRecovery=00:00:05");
        var a = await Gateway("a", client);
        await Serving(edge, a);

        // A dev agent comes back empty: Consul lists no gateway, as a restarted agent does until its checks have run.
        await agent.RestartAsync();

        var reach = await edge.Reached(20);
        Assert.True(reach.Only(a), $"20 requests right after Consul came back: {reach}");
        await Eventually.Holds(() => edge.Front.GetAsync("/customers"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable, Generous,
            "once settled, the upstream follows Consul, which no longer lists the gateway");
    }

    [Theory]
    [InlineData("nginx")]
    [InlineData("yarp")]
    public async Task While_the_upstream_settles_after_Consul_restarts_a_gateway_that_deregisters_leaves_it_at_once(string mode)
    {
        await using var agent = await ConsulAgent.StartAsync();
        var client = fixture.NewClient(agent.Address);
        // A settle period far longer than the waits below: a gateway that leaves within them left before it ended.
        var edge = await Edge(mode, agent.Address, "--Edge:SettleAfterRecovery=00:10:00");
        var a = await Gateway("a", client);
        await Serving(edge, a);

        await agent.RestartAsync();
        await Eventually.Holds(edge.Upstreams, s => s.ConsulReachable, Generous, "the edge watches the restarted Consul");
        // a registers again (a dev agent comes back empty); b joins meanwhile.
        await a.RegisterAsync(client, service);
        var b = await Gateway("b", client);
        await Serving(edge, a, b);

        // A gateway that stops deregisters, then drains for a few seconds only: it must leave now, not when the settle ends.
        await b.DeregisterAsync(client);
        await Serving(edge, a);
        await a.DeregisterAsync(client);
        await Serving(edge);
    }

    [Fact]
    public async Task A_gateway_whose_check_has_not_run_since_it_registered_again_stays_until_the_settle_period_ends()
    {
        var edge = await Edge("nginx", null, "--Edge:SettleAfterRecovery=00:00:10");
        var a = await Gateway("a");
        await Serving(edge, a);

        // As after its agent restarted, with Consul answering throughout: a has a check critical with no output. b registers
        // after it, so an edge that serves b has seen a's new state.
        await a.RegisterUncheckedAsync(fixture.Client, service);
        var b = await Gateway("b");
        var entries = await fixture.Client.HealthService(service, passingOnly: false);
        var check = entries.Value.Single(e => e.Service.ID == a.Name).Checks.Single(c => c.CheckID == $"{a.Name}-unchecked");
        Assert.True(check.Status == "critical" && check.Output.Length == 0, $"a's new check: {check.Status} '{check.Output}'");
        await Serving(edge, a, b);
        var reach = await edge.Reached(20);
        Assert.True(reach.Only(a, b), $"20 requests while a's check has not run: {reach}");

        // A check that has not run for the settle period no longer holds it.
        await Serving(edge, b);
    }

    [Fact]
    public async Task An_upstream_nginx_refuses_is_not_applied_and_the_previous_one_keeps_serving()
    {
        var edge = await Edge("nginx");
        var a = await Gateway("a");
        await Serving(edge, a);
        var before = await File.ReadAllTextAsync(Path.Combine(edge.RunDirectory, "gateways.conf"));

        // A well-formed host name that does not resolve: rendered as written, refused by nginx -t.
        await Gateway("bad", address: "no-such-gateway.invalid");

        var refused = await Eventually.Holds(edge.Upstreams, s => s.LastRefusal is not null, Generous, "nginx -t refuses the new upstream");
        Assert.Contains("no-such-gateway.invalid", refused.LastRefusal, StringComparison.Ordinal);
        Assert.Equal([$"127.0.0.1:{a.Port}"], refused.Gateways);
        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(edge.RunDirectory, "gateways.conf")));
        var reach = await edge.Reached(20);
        Assert.True(reach.Only(a), $"20 requests through the front door: {reach}");
    }

    [Fact]
    public async Task In_yarp_mode_a_gateway_that_cannot_be_reached_is_dropped_by_health_checks_and_requests_keep_succeeding()
    {
        var edge = await Edge("yarp");
        var a = await Gateway("a");
        await Serving(edge, a);

        await Gateway("bad", address: "no-such-gateway.invalid");

        await Eventually.Holds(edge.Upstreams, s => s.Gateways.Count == 2, Generous, "YARP takes both destinations");
        await Eventually.Holds(() => edge.Reached(20), reach => reach.Only(a), Generous,
            "every request reaches the healthy gateway once the health checks have run");
    }

    [Theory]
    [InlineData("nginx")]
    [InlineData("yarp")]
    public async Task Ten_gateways_registered_at_once_take_one_or_two_applies(string mode)
    {
        var edge = await Edge(mode);
        var first = await Gateway("first");
        var before = await Serving(edge, first);

        var ten = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => FakeGateway.StartAsync($"g{i}-{service}")));
        foreach (var gateway in ten)
        {
            Track(gateway);
        }

        await Task.WhenAll(ten.Select(g => g.RegisterAsync(fixture.Client, service)));

        var after = await Serving(edge, [first, .. ten]);
        Assert.InRange(after.Applies - before.Applies, 1, 2);
        var reach = await edge.Reached(200);
        Assert.True(reach.Only([first, .. ten]), $"200 requests through the front door: {reach}");
    }
}
