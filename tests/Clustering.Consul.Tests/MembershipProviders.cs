using Autopilot.Consul.Client;
using Autopilot.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Autopilot.Clustering.Consul.Tests;

/// <summary>The membership table and gateway list under test, on the fixture's agent (or a client of another), logging into its <see cref="ConsulFixture.Logs"/>.</summary>
internal static class MembershipProviders
{
    public static ConsulMembershipTable Table(this ConsulFixture fixture, string clusterId, ConsulClient? client = null) => new(
        client ?? fixture.Client,
        Options.Create(new ConsulClusteringOptions { InitializeTimeout = TimeSpan.FromSeconds(30) }),
        Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "tests" }),
        fixture.Services(_ => { }).GetRequiredService<ILogger<ConsulMembershipTable>>());

    public static ConsulGatewayListProvider Gateways(
        this ConsulFixture fixture, string clusterId, ConsulClient? client = null, string? siloService = null, GatewayProbes? probes = null, GatewayLoss? loss = null,
        GatewayMask? mask = null) => new(
        client ?? fixture.Client,
        Options.Create(new ConsulClusteringOptions { SiloService = siloService }),
        Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "tests" }),
        probes ?? fixture.Probes(),
        loss ?? new GatewayLoss(TimeProvider.System),
        mask ?? new GatewayMask(_ => { }),
        TimeProvider.System,
        fixture.Services(_ => { }).GetRequiredService<ILogger<ConsulGatewayListProvider>>());

    /// <summary>Probes of the silos' HTTP endpoints as a client runs them; the caller disposes them.</summary>
    public static GatewayProbes Probes(this ConsulFixture fixture) =>
        new(TimeProvider.System, fixture.Services(_ => { }).GetRequiredService<ILogger<GatewayProbes>>());
}
