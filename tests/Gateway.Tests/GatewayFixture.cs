using Autopilot.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Autopilot.Gateway.Tests;

/// <summary>
/// A real silo host with its grain state and record index in a real Redis, and the gateway connected to it
/// (<see cref="InProcessCluster"/>), shared by the HTTP tests.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    private InProcessCluster? cluster;
    private RedisServer? redis;

    public WebApplicationFactory<GatewayIdentity> Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The silo host's services: its grain storage, over the real Redis.</summary>
    public IServiceProvider SiloServices => cluster!.Silo.Services;

    public async Task InitializeAsync()
    {
        redis = await RedisServer.StartAsync();
        cluster = await InProcessCluster.StartAsync("gateway-tests", [$"--Storage:Redis={redis.ConnectionString}"]);
        Factory = cluster.Gateway;
        Client = Factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }

        if (redis is not null)
        {
            await redis.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
