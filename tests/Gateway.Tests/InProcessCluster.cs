using Autopilot.Hosting;
using Autopilot.Silo;
using Autopilot.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Autopilot.Gateway.Tests;

/// <summary>
/// A real silo host (the Silo project's own wiring, localhost clustering, free ports) and the gateway under
/// WebApplicationFactory, connected to it through Orleans' own static clustering.
/// </summary>
internal sealed class InProcessCluster : IAsyncDisposable
{
    private InProcessCluster(WebApplication silo, string clusterId, int gatewayPort)
    {
        Silo = silo;
        ClusterId = clusterId;
        GatewayPort = gatewayPort;
        Gateway = NewGateway();
    }

    public WebApplication Silo { get; }

    public WebApplicationFactory<GatewayIdentity> Gateway { get; }

    public string ClusterId { get; }

    /// <summary>The silo's Orleans gateway port, where clients connect.</summary>
    public int GatewayPort { get; }

    /// <summary>
    /// A gateway connected through Orleans' own static clustering to the silo's gateway endpoint, or to
    /// <paramref name="port"/> instead (a proxy in front of it), with <paramref name="settings"/> on top.
    /// </summary>
    public WebApplicationFactory<GatewayIdentity> NewGateway(int? port = null, params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<GatewayIdentity>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Orleans:ClusterId", ClusterId);
            web.UseSetting("Orleans:Clustering:ProviderType", "Static");
            web.UseSetting("Orleans:Clustering:Gateways:0", $"127.0.0.1:{port ?? GatewayPort}");
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
        });

    /// <param name="name">Names the cluster (with a unique suffix), so that no two tests' silos meet.</param>
    /// <param name="siloArguments">Command-line settings of the silo besides its cluster and ports.</param>
    /// <param name="siloServices">Registrations added after the silo's own (the last one of a service wins).</param>
    public static Task<InProcessCluster> StartAsync(string name, IEnumerable<string> siloArguments, Action<IServiceCollection>? siloServices = null) =>
        TestPorts.Retry(() => StartOnceAsync(name, siloArguments, siloServices));

    private static async Task<InProcessCluster> StartOnceAsync(string name, IEnumerable<string> siloArguments, Action<IServiceCollection>? siloServices)
    {
        var clusterId = $"{name}-{Guid.NewGuid():N}";
        var gatewayPort = TestPorts.Next();
        var builder = WebApplication.CreateBuilder(
        [
            .. siloArguments,
            $"--Orleans:ClusterId={clusterId}",
            $"--Orleans:Endpoints:SiloPort={TestPorts.Next()}",
            $"--Orleans:Endpoints:GatewayPort={gatewayPort}",
            $"--urls=http://127.0.0.1:{TestPorts.Next()}",
        ]);
        builder.AddAutopilotHost(HostRole.Silo).AddAutopilotSilo();
        siloServices?.Invoke(builder.Services);
        var silo = builder.Build();
        silo.MapAutopilotHost();
        try
        {
            await silo.StartAsync();
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }

        return new InProcessCluster(silo, clusterId, gatewayPort);
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Silo.StopAsync();
        await Silo.DisposeAsync();
    }
}
