using Autopilot.Consul.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Autopilot.Testing;

/// <summary>
/// One real Consul agent shared by a collection of tests, each working under a key prefix, cluster id or service name of its
/// own; clients and services built here are disposed with it, and what they log is kept in <see cref="Logs"/>.
/// </summary>
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

    /// <summary>A client of the agent at <paramref name="address"/> (this fixture's or another), with an ACL token if given.</summary>
    public ConsulClient NewClient(Uri address, string? token = null) =>
        Services(services => services.AddConsulClient(o =>
        {
            o.Address = address.ToString();
            o.Token = token;
        })).GetRequiredService<ConsulClient>();

    /// <summary>A service provider with logging into <see cref="Logs"/> and what <paramref name="configure"/> adds.</summary>
    public IServiceProvider Services(Action<IServiceCollection> configure)
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
