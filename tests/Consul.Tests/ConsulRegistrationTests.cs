using Autopilot.Consul.Client;
using Autopilot.Testing;

namespace Autopilot.Consul.Tests;

[Collection(ConsulRegistrationCollection.Name)]
[Trait("Category", "contract")]
public sealed class ConsulRegistrationTests(ConsulFixture fixture)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    internal static Task<IReadOnlyList<ServiceEntry>> Instances(ConsulClient client, string service, bool passingOnly = true) =>
        client.HealthService(service, passingOnly).ContinueWith(t => t.Result.Value, TaskScheduler.Default);

    [Fact]
    public async Task A_started_host_is_registered_and_passing_and_gone_after_a_clean_stop()
    {
        var service = $"svc-{Guid.NewGuid():N}";
        var app = await RegisteredHost.StartAsync(fixture.Agent.Address, service);

        var passing = await Eventually.Holds(() => Instances(fixture.Client, service), list => list.Count == 1, Generous, "the instance passes");
        Assert.Equal(("127.0.0.1", $"{service}-{Environment.MachineName.ToLowerInvariant()}-{passing[0].Service.Port}"),
            (passing[0].Service.Address, passing[0].Service.ID));

        // The agent's check names the registration; a check for another registration at this address is refused.
        using (var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{passing[0].Service.Port}") })
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync($"/health/ready?consul-service={passing[0].Service.ID}")).StatusCode);
            var other = await http.GetAsync("/health/ready?consul-service=silo-gone-11111");
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, other.StatusCode);
            Assert.Equal($"this is {passing[0].Service.ID}, not silo-gone-11111", await other.Content.ReadAsStringAsync());
        }

        await app.StopAsync();
        await app.DisposeAsync();

        Assert.Empty(await Instances(fixture.Client, service, passingOnly: false));
    }

    [Fact]
    public async Task After_the_agent_restarts_empty_the_registration_comes_back_by_itself()
    {
        await using var agent = await ConsulAgent.StartAsync();
        var client = fixture.NewClient(agent.Address);
        var service = $"svc-{Guid.NewGuid():N}";
        using var logs = new CollectingLoggerProvider();
        var app = await RegisteredHost.StartAsync(agent.Address, service, logs);
        try
        {
            await Eventually.Holds(() => Instances(client, service), list => list.Count == 1, Generous, "the instance passes");

            await agent.RestartAsync();

            await Eventually.Holds(() => Instances(client, service), list => list.Count == 1, Generous, "the instance is registered again and passes");
            // The agent came back empty: the host noticed and registered again by itself.
            Assert.Contains(logs.Messages, m => m.Contains("did not hold", StringComparison.Ordinal) && m.Contains("registered it there", StringComparison.Ordinal));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task With_two_agents_the_registration_follows_the_one_that_answers_and_leaves_the_other_once_it_is_back()
    {
        await using var one = await ConsulAgent.StartAsync(persistent: true);
        await using var two = await ConsulAgent.StartAsync(persistent: true);
        var service = $"svc-{Guid.NewGuid():N}";
        using var logs = new CollectingLoggerProvider();
        var app = await RegisteredHost.StartAsync($"{one.Address},{two.Address}", service, logs);
        try
        {
            // It registers with one of them (each process starts at a random agent), and only that one.
            var holds = await Eventually.Holds(
                async () => (One: await Instances(fixture.NewClient(one.Address), service), Two: await Instances(fixture.NewClient(two.Address), service)),
                h => h.One.Count + h.Two.Count == 1, Generous, "the instance passes on one agent");
            var (first, second) = holds.One.Count == 1 ? (one, two) : (two, one);

            // That agent goes away: the registration moves to the other.
            await first.StopAsync();
            await Eventually.Holds(() => Instances(fixture.NewClient(second.Address), service), list => list.Count == 1, Generous, "the instance passes on the other agent");

            // It comes back, still holding the registration (a server keeps its services in its data folder): the host takes it off there.
            await first.RestartAsync();
            await Eventually.Holds(() => Task.FromResult(logs.Messages.Any(m => m.Contains($"Removed {service}", StringComparison.Ordinal))), removed => removed, Generous,
                "the host removes its registration from the agent that came back",
                () => string.Join("\n", logs.Messages.Where(m => m.Contains("Consul", StringComparison.Ordinal) && !m.Contains("HTTP", StringComparison.Ordinal)).TakeLast(20)));
            Assert.DoesNotContain(await fixture.NewClient(first.Address).AgentServices(), s => s.Value.Service == service);
            Assert.Single(await Instances(fixture.NewClient(second.Address), service));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
