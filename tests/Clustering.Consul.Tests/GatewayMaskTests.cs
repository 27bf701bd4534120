using System.Net;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Messaging;

namespace Autopilot.Clustering.Consul.Tests;

/// <summary>
/// Pins what <see cref="GatewayMask"/> reaches inside Orleans' client by reflection: an upgrade of Orleans that renames or
/// drops it fails here, not quietly in a deployment (where the mask would fall back to leaving silent silos out).
/// </summary>
[Trait("Category", "unit")]
public sealed class GatewayMaskTests
{
    private static readonly SiloAddress First = SiloAddress.New(IPAddress.Loopback, 30001, 0);
    private static readonly SiloAddress Second = SiloAddress.New(IPAddress.Loopback, 30002, 0);

    [Fact]
    public async Task A_real_Orleans_client_stops_counting_a_masked_gateway_as_available_and_only_that_one()
    {
        Assert.True(GatewayMask.Supported, "Orleans.Messaging.GatewayManager.MarkAsUnavailableForSend(SiloAddress) is gone from this Orleans");
        var services = new ServiceCollection();
        services.AddOrleansClient(client => client.UseStaticClustering(First.Endpoint, Second.Endpoint));
        await using var provider = services.BuildServiceProvider();
        var managerType = typeof(IGatewayListProvider).Assembly.GetType("Orleans.Messaging.GatewayManager")!;
        var manager = provider.GetRequiredService(managerType);
        // Its first read of the list, as the client's start does (it connects to nothing).
        await (Task)managerType.GetMethod("StartAsync", BindingFlags.Public | BindingFlags.Instance)!.Invoke(manager, [CancellationToken.None])!;
        bool Available(SiloAddress gateway) => (bool)managerType.GetMethod("IsGatewayAvailable")!.Invoke(manager, [gateway])!;
        Assert.True(Available(First) && Available(Second));

        // Masked with its silo's generation, as the list names it: Orleans keys gateways with generation 0.
        Assert.True(new GatewayMask(provider, NullLogger<GatewayMask>.Instance).Mask(SiloAddress.New(IPAddress.Loopback, 30001, 155605302)));
        Assert.False(Available(First));
        Assert.True(Available(Second));
    }

    [Fact]
    public void Without_an_Orleans_client_the_mask_says_it_cannot()
    {
        using var provider = new ServiceCollection().BuildServiceProvider();
        Assert.False(new GatewayMask(provider, NullLogger<GatewayMask>.Instance).Mask(First));
    }
}
