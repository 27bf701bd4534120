using System.Collections.Concurrent;
using System.Net;
using Autopilot.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Placement;

namespace Autopilot.Gateway.Tests;

/// <summary>
/// A placement that never completes (after a whole-cluster crash, one grain directory lookup got no answer and held every
/// call of its grain) gives up after the silo's placement timeout, and the gateway sends the call again, a write too: it
/// never ran. A real silo host (<see cref="InProcessCluster"/>, grain state in memory) whose placement of some grains hangs
/// the first time, and the gateway connected to it.
/// </summary>
[Trait("Category", "contract")]
public sealed class PlacementTimeoutTests : IAsyncLifetime
{
    private const string Marker = "Placement Hangs";
    private readonly FirstPlacementHangs director = new();
    private InProcessCluster cluster = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        // Grains without a placement attribute are placed by the default strategy's director: this one, registered last.
        cluster = await InProcessCluster.StartAsync("placement-tests", [],
            services => services.AddKeyedSingleton<IPlacementDirector>(typeof(ResourceOptimizedPlacement), director));
        client = cluster.Gateway.CreateClient();
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await cluster.DisposeAsync();
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
