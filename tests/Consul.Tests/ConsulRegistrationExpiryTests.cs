using Autopilot.Testing;

namespace Autopilot.Consul.Tests;

/// <summary>
/// What Consul does for a process that crashed without deregistering. System tier: it waits on the agent's own reaper, whose
/// DeregisterCriticalServiceAfter cannot be under one minute.
/// </summary>
[Collection(ConsulExpiryCollection.Name)]
[Trait("Category", "system")]
public sealed class ConsulRegistrationExpiryTests(ConsulFixture fixture)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_crashed_host_goes_critical_and_Consul_removes_it_after_DeregisterCriticalServiceAfter()
    {
        var service = $"svc-{Guid.NewGuid():N}";
        var app = await RegisteredHost.StartAsync(fixture.Agent.Address, service);
        await Eventually.Holds(() => ConsulRegistrationTests.Instances(fixture.Client, service), list => list.Count == 1, Generous, "the instance passes");

        // No StopAsync: nothing deregisters, the port closes, as when the process is killed.
        await app.DisposeAsync();

        await Eventually.Holds(() => ConsulRegistrationTests.Instances(fixture.Client, service, passingOnly: false),
            list => list.Count == 1 && list[0].Checks.Any(c => c.Status == "critical"), Generous, "the check turns critical");
        await Eventually.Holds(() => ConsulRegistrationTests.Instances(fixture.Client, service, passingOnly: false),
            list => list.Count == 0, TimeSpan.FromMinutes(3), "Consul deregisters the critical instance");
    }
}
