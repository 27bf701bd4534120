using System.Net;
using System.Net.Sockets;
using Autopilot.Hosting;
using Autopilot.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Autopilot.Silo.Tests;

/// <summary>
/// When a silo says it is ready: only as an active member, and not once it is cut off: from every one of two or more
/// other silos (it forwards nothing, and clients should go through the others), or from Consul and every other silo
/// (it cannot learn that the cluster declared it dead). And how it ends when it is declared dead.
/// </summary>
[Trait("Category", "unit")]
public sealed class SiloReadyCheckTests
{
    [Theory]
    [InlineData(SiloStatus.Joining)]
    [InlineData(SiloStatus.ShuttingDown)]
    [InlineData(SiloStatus.Dead)]
    public async Task A_silo_that_is_not_active_is_not_ready(SiloStatus status)
    {
        var verdict = await SiloReadyCheck.Judge(status, consulAnswers: true, [], Probe, CancellationToken.None);

        Assert.Equal(HealthStatus.Unhealthy, verdict.Status);
        Assert.Contains(status.ToString(), verdict.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task While_Consul_answers_a_silo_with_one_other_silo_is_ready_whatever_that_one_does()
    {
        using var refusing = new RefusingPort();

        var verdict = await SiloReadyCheck.Judge(SiloStatus.Active, consulAnswers: true, [new(refusing.Endpoint)], Probe, CancellationToken.None);

        Assert.Equal(HealthStatus.Healthy, verdict.Status);
    }

    [Fact]
    public async Task While_Consul_answers_a_silo_that_reaches_one_of_its_peers_is_ready()
    {
        using var refusing = new RefusingPort();
        using var peer = new TcpListener(IPAddress.Loopback, 0);
        peer.Start();

        var verdict = await SiloReadyCheck.Judge(SiloStatus.Active, consulAnswers: true, [new(refusing.Endpoint), new((IPEndPoint)peer.LocalEndpoint)], Probe, CancellationToken.None);

        Assert.Equal(HealthStatus.Healthy, verdict.Status);
    }

    [Fact]
    public async Task A_silo_that_reaches_none_of_its_peers_is_not_ready_though_Consul_answers_and_says_why()
    {
        using var first = new RefusingPort();
        using var second = new RefusingPort();

        var verdict = await SiloReadyCheck.Judge(SiloStatus.Active, consulAnswers: true, [new(first.Endpoint), new(second.Endpoint)], Probe, CancellationToken.None);

        Assert.Equal(HealthStatus.Unhealthy, verdict.Status);
        Assert.StartsWith("cut off from its peers: none of the 2 other active silo(s) answers", verdict.Description, StringComparison.Ordinal);
    }

    // Generous, for a loaded test machine: a listening peer accepts at once and a refusing one refuses at once, so no test
    // waits it out. (The check's own 800 ms, with tests building hosts beside it, once timed out a connect that had succeeded.)
    private static readonly TimeSpan Probe = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Without_Consul_a_silo_that_reaches_one_other_silo_stays_ready()
    {
        using var refusing = new RefusingPort();
        using var peer = new TcpListener(IPAddress.Loopback, 0);
        peer.Start();

        var verdict = await SiloReadyCheck.Judge(SiloStatus.Active, consulAnswers: false, [new(refusing.Endpoint), new((IPEndPoint)peer.LocalEndpoint)], Probe, CancellationToken.None);

        Assert.Equal(HealthStatus.Healthy, verdict.Status);
    }

    [Fact]
    public async Task Without_Consul_a_silo_alone_in_its_cluster_stays_ready()
    {
        var verdict = await SiloReadyCheck.Judge(SiloStatus.Active, consulAnswers: false, [], Probe, CancellationToken.None);

        Assert.Equal(HealthStatus.Healthy, verdict.Status);
    }

    [Fact]
    public async Task A_silo_that_reaches_neither_Consul_nor_any_other_silo_is_not_ready_and_says_why()
    {
        using var first = new RefusingPort();
        using var second = new RefusingPort();

        var verdict = await SiloReadyCheck.Judge(SiloStatus.Active, consulAnswers: false, [new(first.Endpoint), new(second.Endpoint)], Probe, CancellationToken.None);

        Assert.Equal(HealthStatus.Unhealthy, verdict.Status);
        Assert.StartsWith("cut off: Consul does not answer and none of the 2 other active silo(s)", verdict.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_peer_whose_HTTP_endpoint_is_known_is_asked_there_not_at_its_silo_port()
    {
        // Asked at its silo port, the peer would refuse; its HTTP endpoint answers, so it counts as reached.
        await using var http = await LiveEndpoint();
        using var refusing = new RefusingPort();
        using var second = new RefusingPort();

        var verdict = await SiloReadyCheck.Judge(
            SiloStatus.Active, consulAnswers: true, [new(refusing.Endpoint, http.Url), new(second.Endpoint)], Probe, CancellationToken.None);

        Assert.Equal(HealthStatus.Healthy, verdict.Status);
    }

    [Fact]
    public async Task A_peer_whose_HTTP_endpoint_refuses_is_not_reached_though_its_silo_port_listens()
    {
        using var listening = new TcpListener(IPAddress.Loopback, 0);
        listening.Start();
        using var refusingHttp = new RefusingPort();
        using var second = new RefusingPort();

        var verdict = await SiloReadyCheck.Judge(
            SiloStatus.Active,
            consulAnswers: true,
            [new((IPEndPoint)listening.LocalEndpoint, new Uri($"http://{refusingHttp.Endpoint}/")), new(second.Endpoint)],
            Probe,
            CancellationToken.None);

        Assert.Equal(HealthStatus.Unhealthy, verdict.Status);
    }

    // A peer's HTTP endpoint: /health/live answers 200, on a loopback port of its own.
    private static async Task<LiveHttp> LiveEndpoint()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.WarningsOnlyOnConsole();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/health/live", () => "live");
        await app.StartAsync();
        return new LiveHttp(app, new Uri(app.Urls.First() + "/"));
    }

    private sealed record LiveHttp(WebApplication App, Uri Url) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    [Fact]
    public async Task The_silo_replaces_Orleans_fail_fast_so_that_being_declared_dead_ends_it_with_exit_code_3()
    {
        var builder = WebApplication.CreateBuilder(["--Consul:Address=http://127.0.0.1:1"]);
        builder.AddAutopilotHost(HostRole.Silo).AddAutopilotSilo();
        await using var silo = builder.Build();
        Assert.IsType<DeclaredDeadExit>(silo.Services.GetRequiredService<IFatalErrorHandler>());

        var ends = new List<(int Code, string Line)>();
        new DeclaredDeadExit((code, line) => ends.Add((code, line))).OnFatalException(this, "I have been told I am dead, so this silo will stop!");

        var end = Assert.Single(ends);
        Assert.Equal(ExitCodes.DeclaredDead, end.Code);
        Assert.Contains("ending at once with exit code 3", end.Line, StringComparison.Ordinal);
        Assert.EndsWith("I have been told I am dead, so this silo will stop!", end.Line, StringComparison.Ordinal);
        Assert.Equal(3, ExitCodes.DeclaredDead);
    }

    // A loopback port held by a bound socket that does not listen: a connection to it is refused at once, and no other
    // process can take the port while the test runs.
    private sealed class RefusingPort : IDisposable
    {
        private readonly Socket socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        public RefusingPort() => socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        public IPEndPoint Endpoint => (IPEndPoint)socket.LocalEndPoint!;

        public void Dispose() => socket.Dispose();
    }
}
