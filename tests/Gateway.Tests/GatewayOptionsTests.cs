using Autopilot.Hosting;
using Autopilot.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Autopilot.Gateway.Tests;

/// <summary>
/// The settings of Orleans' own option classes in the gateway (and the silo it calls), read from hosts built as their
/// programs build them, not started. The silo's own are in Silo.Tests.
/// </summary>
[Trait("Category", "unit")]
public sealed class GatewayOptionsTests
{
    [Fact]
    public async Task No_placement_or_call_between_silos_outlasts_the_gateways_call_or_a_requests_deadline()
    {
        await using var silo = Build();
        await using var gateway = BuildGateway();

        var messaging = silo.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value;
        var client = gateway.Services.GetRequiredService<IOptions<ClientMessagingOptions>>().Value;
        var deadline = gateway.Services.GetRequiredService<IOptions<ApiOptions>>().Value.RequestTimeout;
        Assert.Equal(TimeSpan.FromSeconds(5), messaging.PlacementTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), messaging.ResponseTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), messaging.SystemResponseTimeout);
        Assert.True(messaging.ResponseTimeout <= client.ResponseTimeout, $"silo {messaging.ResponseTimeout}, gateway {client.ResponseTimeout}");
        // Room for a placement that failed to be tried again, more than once, within one request.
        Assert.True(messaging.PlacementTimeout * 3 < deadline, $"placement {messaging.PlacementTimeout}, deadline {deadline}");
    }

    [Theory]
    [InlineData("--Consul:Address=http://127.0.0.1:1")]
    [InlineData("--Orleans:Clustering:ProviderType=Consul", "--Orleans:Clustering:Address=http://127.0.0.1:1")]
    public async Task With_Consul_clustering_the_gateways_client_rereads_the_gateway_list_every_second(params string[] arguments)
    {
        // The client sends each grain's calls through one gateway silo: until a dead silo leaves this list, the calls of
        // its share of grains time out there.
        await using var gateway = BuildGateway(arguments);

        Assert.Equal(TimeSpan.FromSeconds(1), gateway.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.GatewayListRefreshPeriod);
    }

    private static WebApplication Build(params string[] arguments)
    {
        var builder = WebApplication.CreateBuilder(arguments);
        builder.AddAutopilotHost(HostRole.Silo).AddAutopilotSilo();
        return builder.Build();
    }

    private static WebApplication BuildGateway(params string[] arguments)
    {
        var builder = WebApplication.CreateBuilder(arguments);
        builder.AddAutopilotHost(HostRole.Gateway).AddAutopilotGateway();
        return builder.Build();
    }
}
