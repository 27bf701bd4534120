using Autopilot.Consul.Client;
using Autopilot.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Autopilot.Consul.Tests;

/// <summary>One real Consul agent for the contract tests; each test works under a cluster id of its own.</summary>
public sealed class ConsulFixture : IAsyncLifetime
{
    private readonly List<ServiceProvider> providers = [];

    public ConsulAgent Agent { get; private set; } = null!;

    public ConsulClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Agent = await ConsulAgent.StartAsync();
        Client = NewClient(Agent.Address);
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in providers)
        {
            await provider.DisposeAsync();
        }

        await Agent.DisposeAsync();
    }

    public ConsulClient NewClient(Uri address, string? token = null) =>
        Services(services => services.AddConsulClient(o =>
        {
            o.Address = address.ToString();
            o.Token = token;
        })).GetRequiredService<ConsulClient>();

    private ServiceProvider Services(Action<IServiceCollection> configure)
    {
        var services = new ServiceCollection().AddLogging();
        configure(services);
        var provider = services.BuildServiceProvider();
        lock (providers)
        {
            providers.Add(provider);
        }

        return provider;
    }
}

[CollectionDefinition(Name)]
public sealed class ConsulCollection : ICollectionFixture<ConsulFixture>
{
    public const string Name = "consul";
}

/// <summary>Registration tests wait on Consul's one-minute reaper: an agent of their own lets them run beside the client tests.</summary>
[CollectionDefinition(Name)]
public sealed class ConsulRegistrationCollection : ICollectionFixture<ConsulFixture>
{
    public const string Name = "consul-registration";
}
