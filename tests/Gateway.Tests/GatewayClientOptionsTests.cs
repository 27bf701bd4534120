using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Autopilot.Gateway.Tests;

/// <summary>
/// The gateway's Orleans client settings, read from a gateway host built as the Gateway program builds it, not started.
/// </summary>
[Trait("Category", "unit")]
public sealed class GatewayClientOptionsTests
{
    [Theory]
    [InlineData("--Consul:Address=http://127.0.0.1:1")]
    [InlineData("--Orleans:Clustering:ProviderType=Consul", "--Orleans:Clustering:Address=http://127.0.0.1:1")]
    public async Task With_Consul_clustering_the_client_rereads_the_gateway_list_every_second(params string[] arguments)
    {
        // The client sends each grain's calls through one gateway silo: until a dead silo leaves this list, the calls of
        // its share of grains time out there.
        await using var gateway = Build(arguments);

        Assert.Equal(TimeSpan.FromSeconds(1), gateway.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.GatewayListRefreshPeriod);
    }

    private static WebApplication Build(params string[] arguments)
    {
        var builder = WebApplication.CreateBuilder(arguments);
        builder.AddAutopilotHost(GatewayHosting.Role).AddAutopilotGateway();
        return builder.Build();
    }
}
