using Autopilot.Silo;
using Autopilot.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace Autopilot.Gateway.Tests;

/// <summary>
/// A real silo host (the Silo project's own wiring, localhost clustering, free ports) with its grain state and record index
/// in a real Redis, and the gateway under WebApplicationFactory connected to it, shared by the HTTP tests.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    private readonly string clusterId = $"gateway-tests-{Guid.NewGuid():N}";
    private readonly int gatewayPort = FreePort.Next();
    private WebApplication? silo;
    private RedisServer? redis;

    public WebApplicationFactory<GatewayIdentity> Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        redis = await RedisServer.StartAsync();
        var builder = WebApplication.CreateBuilder(
        [
            $"--Storage:Redis={redis.ConnectionString}",
            $"--Orleans:ClusterId={clusterId}",
            $"--Orleans:Endpoints:SiloPort={FreePort.Next()}",
            $"--Orleans:Endpoints:GatewayPort={gatewayPort}",
            $"--urls=http://127.0.0.1:{FreePort.Next()}",
        ]);
        builder.AddAutopilotHost(SiloHosting.Role).AddAutopilotSilo();
        silo = builder.Build();
        silo.MapAutopilotHost();
        await silo.StartAsync();

        Factory = new WebApplicationFactory<GatewayIdentity>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Orleans:ClusterId", clusterId);
            // Orleans' own static clustering: the one silo's gateway endpoint.
            web.UseSetting("Orleans:Clustering:ProviderType", "Static");
            web.UseSetting("Orleans:Clustering:Gateways:0", $"127.0.0.1:{gatewayPort}");
        });
        Client = Factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (Factory is not null)
        {
            await Factory.DisposeAsync();
        }

        if (silo is not null)
        {
            await silo.StopAsync();
            await silo.DisposeAsync();
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
