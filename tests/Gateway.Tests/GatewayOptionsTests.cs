using Autopilot.Clustering.Consul;
using Autopilot.Hosting;
using Autopilot.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;

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
    public async Task With_Consul_clustering_the_gateways_client_rereads_Consul_every_half_second_applies_its_probes_every_tenth_and_keeps_away_from_a_gateway_it_cannot_reach(params string[] arguments)
    {
        // The client sends each grain's calls through one gateway silo: until a dead silo leaves this list, the calls of
        // its share of grains time out there. One it could not connect to, though alive for the others, it keeps away from
        // for far longer than a refresh (Orleans reads that from the list's MaxStaleness).
        await using var gateway = BuildGateway(arguments);

        var refresh = gateway.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.GatewayListRefreshPeriod;
        Assert.Equal(TimeSpan.FromMilliseconds(100), refresh);
        Assert.Equal(TimeSpan.FromMilliseconds(500), ConsulGatewayListProvider.ConsulReadEvery);
        Assert.True(refresh + GatewayProbes.SilentAfter <= TimeSpan.FromSeconds(1.1), $"a silent silo leaves the list {refresh} after {GatewayProbes.SilentAfter}: more than 1.1 s");
        var list = Assert.IsType<ConsulGatewayListProvider>(gateway.Services.GetRequiredService<IGatewayListProvider>());
        Assert.Equal(ConsulGatewayListProvider.UnreachableGatewayAvoidedFor, list.MaxStaleness);
        Assert.True(list.MaxStaleness >= refresh * 10, $"a gateway it could not reach is avoided for {list.MaxStaleness}, barely longer than a refresh ({refresh})");
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
