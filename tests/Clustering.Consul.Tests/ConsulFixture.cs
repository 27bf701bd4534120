using Autopilot.Consul.Client;
using Autopilot.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Autopilot.Clustering.Consul.Tests;

/// <summary>One real Consul agent for the membership contract; each test works under a cluster id of its own.</summary>
public sealed class ConsulFixture : IAsyncLifetime
{
    private readonly List<ServiceProvider> providers = [];

    public ConsulAgent Agent { get; private set; } = null!;

    public ConsulClient Client { get; private set; } = null!;

    public CollectingLoggerProvider Logs { get; } = new();

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

    public ConsulClient NewClient(Uri address) =>
        Services(services => services.AddConsulClient(o => o.Address = address.ToString())).GetRequiredService<ConsulClient>();

    public ConsulMembershipTable Table(string clusterId, ConsulClient? client = null) => new(
        client ?? Client,
        Options.Create(new ConsulClusteringOptions { InitializeTimeout = TimeSpan.FromSeconds(30) }),
        Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "tests" }),
        Services(_ => { }).GetRequiredService<ILogger<ConsulMembershipTable>>());

    public ConsulGatewayListProvider Gateways(string clusterId, ConsulClient? client = null) => new(
        client ?? Client,
        Options.Create(new ConsulClusteringOptions()),
        Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "tests" }),
        Options.Create(new GatewayOptions()),
        Services(_ => { }).GetRequiredService<ILogger<ConsulGatewayListProvider>>());

    private ServiceProvider Services(Action<IServiceCollection> configure)
    {
        var services = new ServiceCollection().AddLogging(logging => logging.AddProvider(Logs));
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
