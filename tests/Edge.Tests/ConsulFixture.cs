using Autopilot.Consul.Client;
using Autopilot.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Autopilot.Edge.Tests;

/// <summary>One real Consul agent shared by the edge tests; each test follows a service name of its own.</summary>
public sealed class ConsulFixture : IAsyncLifetime
{
    private ServiceProvider? services;

    public ConsulAgent Agent { get; private set; } = null!;

    public ConsulClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Agent = await ConsulAgent.StartAsync();
        Client = ClientFor(Agent.Address, out services);
    }

    public static ConsulClient ClientFor(Uri address, out ServiceProvider provider)
    {
        provider = new ServiceCollection().AddConsulClient(o => o.Address = address.ToString()).BuildServiceProvider();
        return provider.GetRequiredService<ConsulClient>();
    }

    public async Task DisposeAsync()
    {
        if (services is not null)
        {
            await services.DisposeAsync();
        }

        await Agent.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ConsulCollection : ICollectionFixture<ConsulFixture>
{
    public const string Name = "consul";
}
