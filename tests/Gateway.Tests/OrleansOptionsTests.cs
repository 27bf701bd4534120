using Autopilot.Hosting;
using Autopilot.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Autopilot.Gateway.Tests;

/// <summary>
/// The settings of Orleans' own option classes in our hosts (their defaults and the README's keys under <c>Orleans:</c>),
/// read from a silo or gateway host built as its program builds it, not started.
/// </summary>
[Trait("Category", "unit")]
public sealed class OrleansOptionsTests
{
    [Fact]
    public async Task The_silo_bounds_the_grain_location_cache_collects_idle_grains_and_detects_failures_fast()
    {
        await using var silo = Build();

        Assert.Equal(20_000, silo.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value.CacheSize);
        Assert.Equal(TimeSpan.FromMinutes(2), silo.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value.CollectionAge);
        var membership = silo.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(1), membership.ProbeTimeout);
        Assert.Equal(2, membership.NumMissedProbesLimit);
        // Orleans 10 suppresses votes against a silo heard from within MaxProbeTimeout x NumMissedProbesLimit: 4 s.
        Assert.Equal(TimeSpan.FromSeconds(2), membership.MaxProbeTimeout);
        Assert.True(membership.EnableConnectionLivenessCheck);
    }

    [Fact]
    public async Task No_placement_or_call_between_silos_outlasts_the_gateways_call_or_a_requests_deadline()
    {
        await using var silo = Build();
        await using var gateway = BuildGateway();

        var messaging = silo.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value;
        var client = gateway.Services.GetRequiredService<IOptions<ClientMessagingOptions>>().Value;
        var deadline = ApiOptions.Load(gateway.Configuration).RequestTimeout;
        Assert.Equal(TimeSpan.FromSeconds(5), messaging.PlacementTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), messaging.ResponseTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), messaging.SystemResponseTimeout);
        Assert.True(messaging.ResponseTimeout <= client.ResponseTimeout, $"silo {messaging.ResponseTimeout}, gateway {client.ResponseTimeout}");
        // Room for a placement that failed to be tried again, more than once, within one request.
        Assert.True(messaging.PlacementTimeout * 3 < deadline, $"placement {messaging.PlacementTimeout}, deadline {deadline}");
    }

    [Fact]
    public async Task The_README_keys_override_each_default()
    {
        await using var silo = Build("--GrainDirectory:CacheSize=500", "--Orleans:GrainCollection:CollectionAge=00:10:00", "--Orleans:Membership:NumMissedProbesLimit=3",
            "--Orleans:Messaging:PlacementTimeout=00:00:08");

        Assert.Equal(500, silo.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value.CacheSize);
        Assert.Equal(TimeSpan.FromMinutes(10), silo.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value.CollectionAge);
        Assert.Equal(3, silo.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value.NumMissedProbesLimit);
        Assert.Equal(TimeSpan.FromSeconds(8), silo.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value.PlacementTimeout);
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
