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
            Assert.Contains(logs.Messages, m => m.Contains("registered it again", StringComparison.Ordinal));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
