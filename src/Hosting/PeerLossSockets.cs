using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace Autopilot.Hosting;

/// <summary>
/// Outgoing TCP connections that notice a peer the network lost. A connection whose peer vanished behind a partition gets
/// no error of its own: the kernel resends for about 15 minutes, and every message sent through it waits out its own
/// timeout meanwhile. A gateway cut from one silo went on sending that silo's share of grains through such a connection
/// for the whole 20 s of the cut. These sockets give up when data sent stays unacknowledged for
/// <see cref="Deadlines.UnacknowledgedSend"/> (Linux's <c>TCP_USER_TIMEOUT</c>), and probe an idle connection with TCP
/// keep-alives, so the connection fails and its owner (Orleans) marks the peer's connection broken and uses another.
/// A peer that is merely slow or paused still acknowledges at the kernel: only a network that stopped carrying packets,
/// or a host gone, trips it.
/// Hand-written because neither Orleans' socket transport nor its options set socket options; the connection itself is
/// Kestrel's (<see cref="SocketConnectionContextFactory"/>).
/// </summary>
public sealed class PeerLossConnectionFactory(ILoggerFactory loggers) : IConnectionFactory, IDisposable
{
    // Linux's socket option (include/uapi/linux/tcp.h); .NET has no name for it.
    private const int TcpUserTimeout = 18;

    /// <summary>An idle connection is probed after this long, then once a second.</summary>
    public static readonly TimeSpan KeepAliveIdle = TimeSpan.FromSeconds(5);

    private readonly SocketConnectionContextFactory contexts = new(new SocketConnectionFactoryOptions(), loggers.CreateLogger<PeerLossConnectionFactory>());

    public async ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
        {
            NoDelay = true,
            LingerState = new LingerOption(true, 0),
        };
        try
        {
            Configure(socket);
            await socket.ConnectAsync(endpoint, cancellationToken);
            return contexts.Create(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The options this factory sets on each socket (Linux only: elsewhere the socket keeps the system's defaults).</summary>
    public static void Configure(Socket socket)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, (int)KeepAliveIdle.TotalSeconds);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 1);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
        socket.SetRawSocketOption((int)SocketOptionLevel.Tcp, TcpUserTimeout, BitConverter.GetBytes((uint)Deadlines.UnacknowledgedSend.TotalMilliseconds));
    }

    /// <summary>The unacknowledged-send bound a socket carries, in milliseconds (0: the system's default).</summary>
    public static uint UserTimeoutOf(Socket socket)
    {
        var value = new byte[sizeof(uint)];
        socket.GetRawSocketOption((int)SocketOptionLevel.Tcp, TcpUserTimeout, value);
        return BitConverter.ToUInt32(value);
    }

    public void Dispose() => contexts.Dispose();
}

public static class PeerLossSockets
{
    /// <summary>
    /// Makes every connection factory and listener factory registered so far by key (Orleans' transport registers its
    /// client, silo and gateway connections that way) set <see cref="PeerLossConnectionFactory.Configure"/>'s options:
    /// outgoing connections through <see cref="PeerLossConnectionFactory"/>, accepted ones through Kestrel's socket
    /// transport with the options on the listening socket, which Linux copies to every socket it accepts. A silo that
    /// answers a gateway the network lost thus drops that connection too, and stops routing the gateway's answers into it.
    /// Call it inside <c>UseOrleans</c> or <c>UseOrleansClient</c>, after Orleans' defaults; a transport registered later
    /// (a test's in-memory one) still wins.
    /// </summary>
    public static IServiceCollection AddPeerLossSockets(this IServiceCollection services)
    {
        var outgoing = KeysOf<IConnectionFactory>(services);
        if (outgoing.Count == 0)
        {
            throw new InvalidOperationException("No keyed IConnectionFactory is registered: call AddPeerLossSockets inside UseOrleans or UseOrleansClient.");
        }

        foreach (var key in outgoing)
        {
            services.AddKeyedSingleton<IConnectionFactory>(key, (provider, _) => new PeerLossConnectionFactory(provider.GetRequiredService<ILoggerFactory>()));
        }

        foreach (var key in KeysOf<IConnectionListenerFactory>(services))
        {
            // Options of its own: the host's HTTP server (Kestrel too) keeps its defaults.
            var options = Options.Create(new SocketTransportOptions
            {
                CreateBoundListenSocket = endpoint =>
                {
                    var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
                    PeerLossConnectionFactory.Configure(socket);
                    return socket;
                },
            });
            services.AddKeyedSingleton<IConnectionListenerFactory>(key, (provider, _) => new SocketTransportFactory(options, provider.GetRequiredService<ILoggerFactory>()));
        }

        return services;
    }

    private static List<object?> KeysOf<T>(IServiceCollection services) =>
        [.. services.Where(d => d.IsKeyedService && d.ServiceType == typeof(T)).Select(d => d.ServiceKey).Distinct()];
}
