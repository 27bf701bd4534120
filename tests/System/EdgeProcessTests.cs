using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Autopilot.Stack.Processes;
using Autopilot.Testing;

namespace Autopilot.SystemTests;

/// <summary>The edge program as a process: it supervises nginx, and stops with it, and stops it on SIGTERM.</summary>
[Trait("Category", "system")]
public sealed class EdgeProcessTests : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly List<ChildProcess> processes = [];
    private ConsulAgent agent = null!;

    public async Task InitializeAsync()
    {
        DebianPackage.Ensure("nginx", "/usr/sbin/nginx");
        agent = await ConsulAgent.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var process in processes)
        {
            await process.DisposeAsync();
        }

        await agent.DisposeAsync();
    }

    private (ChildProcess Edge, HttpClient Front, HttpClient Status, string Run) StartEdge()
    {
        var (front, status) = (TestPorts.Next(), TestPorts.Next());
        var run = Path.Combine(Hosts.LogDirectory, $"edge-{front}");
        var edge = Hosts.Start($"edge-{front}", "Edge",
            [$"--Consul:Address={agent.Address}", "--Edge:Mode=nginx", $"--Edge:Listen=127.0.0.1:{front}", $"--Edge:RunDirectory={run}", $"--urls=http://127.0.0.1:{status}"]);
        processes.Add(edge);
        return (edge, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{front}") }, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{status}") }, run);
    }

    private static int NginxMaster(string run) => int.Parse(File.ReadAllText(Path.Combine(run, "nginx.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task On_SIGTERM_the_edge_deregisters_stops_nginx_and_exits_0()
    {
        var (edge, front, status, run) = StartEdge();
        await Eventually.Holds(() => front.GetStringAsync("/health"), body => body.Contains("nginx", StringComparison.Ordinal), Generous, "nginx answers /health", edge.Tail);
        await Eventually.Holds(() => status.GetAsync("/health/ready"), r => r.StatusCode == HttpStatusCode.OK, Generous, "the edge is ready", edge.Tail);
        var master = NginxMaster(run);
        using var consul = new HttpClient { BaseAddress = agent.Address };
        await Eventually.Holds(() => consul.GetFromJsonAsync<JsonElement>("/v1/health/service/edge?passing=true"), e => e.GetArrayLength() == 1, Generous, "the edge is registered and passing");

        Assert.Equal(0, await edge.StopAsync(TimeSpan.FromSeconds(30)));

        Assert.False(Directory.Exists($"/proc/{master}"), "nginx outlived the edge");
        Assert.Equal(0, (await consul.GetFromJsonAsync<JsonElement>("/v1/health/service/edge")).GetArrayLength());
        await Assert.ThrowsAsync<HttpRequestException>(() => front.GetStringAsync("/health"));
    }

    [Fact]
    public async Task When_nginx_dies_the_edge_exits_non_zero()
    {
        var (edge, front, _, run) = StartEdge();
        await Eventually.Holds(() => front.GetStringAsync("/health"), body => body.Contains("nginx", StringComparison.Ordinal), Generous, "nginx answers /health", edge.Tail);

        Signals.Send(NginxMaster(run), Signals.SigKill);

        Assert.Equal(1, await edge.ExitCodeAsync(Generous));
        Assert.True(edge.Printed("nginx exited with code"), edge.Tail());
        // Its orphaned workers are gone too: nothing answers on the front door any more.
        await Eventually.Holds(async () =>
        {
            try
            {
                await front.GetStringAsync("/health");
                return false;
            }
            catch (HttpRequestException)
            {
                return true;
            }
        }, ok => ok, Generous, "no nginx worker is left on the front door");
    }
}
