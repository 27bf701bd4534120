using System.Collections.Concurrent;
using System.Net;
using Autopilot.Contracts;
using Autopilot.Silo;
using Autopilot.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime.Placement;

namespace Autopilot.Gateway.Tests;

/// <summary>
/// A placement that never completes (after a whole-cluster crash, one grain directory lookup got no answer and held every
/// call of its grain) gives up after the silo's placement timeout, and the gateway sends the call again, a write too: it
/// never ran. A real silo host (the Silo project's wiring, grain state in memory) whose placement of some grains hangs the
/// first time, and the gateway connected to it.
/// </summary>
[Trait("Category", "contract")]
public sealed class PlacementTimeoutTests : IAsyncLifetime
{
    private const string Marker = "Placement Hangs";
    private readonly FirstPlacementHangs director = new();
    private WebApplication silo = null!;
    private WebApplicationFactory<GatewayIdentity> gateway = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        var clusterId = $"placement-tests-{Guid.NewGuid():N}";
        var gatewayPort = FreePort.Next();
        var builder = WebApplication.CreateBuilder(
        [
            $"--Orleans:ClusterId={clusterId}",
            $"--Orleans:Endpoints:SiloPort={FreePort.Next()}",
            $"--Orleans:Endpoints:GatewayPort={gatewayPort}",
            $"--urls=http://127.0.0.1:{FreePort.Next()}",
        ]);
        builder.AddAutopilotHost(SiloHosting.Role).AddAutopilotSilo();
        // Grains without a placement attribute are placed by the default strategy's director: this one, registered last.
        builder.Services.AddKeyedSingleton<IPlacementDirector>(typeof(ResourceOptimizedPlacement), director);
        silo = builder.Build();
        await silo.StartAsync();

        gateway = new WebApplicationFactory<GatewayIdentity>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Orleans:ClusterId", clusterId);
            web.UseSetting("Orleans:Clustering:ProviderType", "Static");
            web.UseSetting("Orleans:Clustering:Gateways:0", $"127.0.0.1:{gatewayPort}");
        });
        client = gateway.CreateClient();
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await gateway.DisposeAsync();
        await silo.StopAsync();
        await silo.DisposeAsync();
    }

    [Fact]
    public async Task A_write_whose_placement_hangs_is_placed_again_and_stored_within_the_request_deadline()
    {
        var company = $"{Marker} {Guid.NewGuid():N}"[..(Marker.Length + 13)];

        using var response = await client.PutJson(Http.Path("customers", company), """{"location":"Placed again"}""");

        var row = await response.Ok<CustomerRecord>();
        Assert.Equal("Placed again", row.Location);
        Assert.Equal(2, director.Placements(company));
        Assert.Equal("Placed again", (await client.GetOk<CustomerRecord>(Http.Path("customers", company))).Location);
    }

    [Fact]
    public async Task A_read_whose_placement_hangs_is_placed_again_and_answered_within_the_request_deadline()
    {
        var company = $"{Marker} {Guid.NewGuid():N}"[..(Marker.Length + 13)];

        using var response = await client.GetRaw(Http.Path("customers", company));

        await response.Problem(HttpStatusCode.NotFound);
        Assert.Equal(2, director.Placements(company));
    }

    /// <summary>Places every grain on the first compatible silo, except that the first placement of a grain whose key
    /// starts with the marker never completes.</summary>
    private sealed class FirstPlacementHangs : IPlacementDirector
    {
        private readonly ConcurrentDictionary<string, int> placements = new();

        public int Placements(string key) => placements.GetValueOrDefault(key);

        public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
        {
            var key = target.GrainIdentity.Key.ToString();
            if (key.StartsWith(Marker, StringComparison.Ordinal) && placements.AddOrUpdate(key, 1, (_, n) => n + 1) == 1)
            {
                return new TaskCompletionSource<SiloAddress>().Task;
            }

            return Task.FromResult(context.GetCompatibleSilos(target)[0]);
        }
    }
}
