using System.Net;
using System.Net.Sockets;
using Autopilot.Hosting;
using Autopilot.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Autopilot.Gateway.Tests;

/// <summary>
/// The outgoing Orleans connections of a silo and a gateway give up on a peer that stops acknowledging
/// (<see cref="PeerLossConnectionFactory"/>). ComposeTests' gateway cut checks what it buys across a real partition.
/// </summary>
[Trait("Category", "unit")]
public sealed class PeerLossSocketsTests
{
    [Fact]
    public async Task Every_outgoing_Orleans_connection_of_a_silo_and_a_gateway_is_made_by_the_peer_loss_factory()
    {
        foreach (var (role, add) in new (HostRole, Action<WebApplicationBuilder>)[]
                 {
                     (HostRole.Silo, b => b.AddAutopilotSilo()),
                     (HostRole.Gateway, b => b.AddAutopilotGateway()),
                 })
        {
            var builder = WebApplication.CreateBuilder(["--Consul:Address=http://127.0.0.1:1"]);
            add(builder.AddAutopilotHost(role));
            var keys = builder.Services.Where(d => d.IsKeyedService && d.ServiceType == typeof(IConnectionFactory)).Select(d => d.ServiceKey).Distinct().ToList();
            await using var host = builder.Build();

            Assert.NotEmpty(keys);
            Assert.All(keys, key => Assert.IsType<PeerLossConnectionFactory>(host.Services.GetRequiredKeyedService<IConnectionFactory>(key)));
            var listeners = builder.Services.Where(d => d.IsKeyedService && d.ServiceType == typeof(IConnectionListenerFactory)).Select(d => d.ServiceKey).Distinct().ToList();
            // A silo listens for silos and for gateways; a gateway listens for nothing of Orleans.
            Assert.Equal(role == HostRole.Silo ? 2 : 0, listeners.Count);
            Assert.All(listeners, key => Assert.IsType<SocketTransportFactory>(host.Services.GetRequiredKeyedService<IConnectionListenerFactory>(key)));
        }
    }

    [Fact]
    public async Task A_connection_a_silo_accepts_carries_the_bound_too()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var services = new ServiceCollection().AddLogging();
        var key = new object();
        services.AddKeyedSingleton<IConnectionFactory>(key, (_, _) => throw new InvalidOperationException("not used"));
        services.AddKeyedSingleton<IConnectionListenerFactory>(key, (_, _) => throw new InvalidOperationException("replaced"));
        await using var provider = services.AddPeerLossSockets().BuildServiceProvider();

        await using var listener = await provider.GetRequiredKeyedService<IConnectionListenerFactory>(key).BindAsync(new IPEndPoint(IPAddress.Loopback, 0), timeout.Token);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.EndPoint, timeout.Token);
        await using var accepted = await listener.AcceptAsync(timeout.Token);

        var socket = accepted!.Features.Get<IConnectionSocketFeature>()!.Socket;
        Assert.Equal((uint)Deadlines.UnacknowledgedSend.TotalMilliseconds, PeerLossConnectionFactory.UserTimeoutOf(socket));
        Assert.Equal(1, (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
        Assert.Equal(0u, PeerLossConnectionFactory.UserTimeoutOf(client));
    }

    [Fact]
    public async Task A_connection_it_makes_carries_the_unacknowledged_send_bound_and_keep_alives_and_carries_bytes_both_ways()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var factory = new PeerLossConnectionFactory(NullLoggerFactory.Instance);

        await using var connection = await factory.ConnectAsync(listener.LocalEndpoint, timeout.Token);
        using var accepted = await listener.AcceptSocketAsync(timeout.Token);
        var socket = connection.Features.Get<IConnectionSocketFeature>()!.Socket;

        Assert.Equal((uint)Deadlines.UnacknowledgedSend.TotalMilliseconds, PeerLossConnectionFactory.UserTimeoutOf(socket));
        Assert.Equal(1, (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
        Assert.Equal((int)PeerLossConnectionFactory.KeepAliveIdle.TotalSeconds, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!);
        Assert.True(socket.NoDelay);

        await connection.Transport.Output.WriteAsync("ping"u8.ToArray(), timeout.Token);
        var received = new byte[4];
        Assert.Equal(4, await accepted.ReceiveAsync(received, timeout.Token));
        Assert.Equal("ping"u8.ToArray(), received);
        await accepted.SendAsync("pong"u8.ToArray(), timeout.Token);
        var read = await connection.Transport.Input.ReadAtLeastAsync(4, timeout.Token);
        Assert.Equal("pong"u8.ToArray(), System.Buffers.BuffersExtensions.ToArray(read.Buffer));
    }
}
