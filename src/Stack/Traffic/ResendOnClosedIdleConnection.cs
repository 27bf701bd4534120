using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Autopilot.Stack.Traffic;

/// <summary>
/// What a careful HTTP client does when a server closes a keep-alive connection just as a request goes out on it: it
/// sends an idempotent request (GET, HEAD, PUT, DELETE) again, once, on a new connection (RFC 9112 §9.3.1). nginx closes
/// the idle connections of its old workers on every reload, and the edge reloads it on every upstream change; a request
/// sent in that instant meets a closed connection (a reset when the request's bytes were already in nginx's receive
/// buffer). SocketsHttpHandler resends by itself only after a clean close and only a request that has no body or whose
/// body waited for <c>100 Continue</c>; a reset, or a plain PUT, it reports as a failure.
/// A request is resent only if it went out on a connection that an earlier request opened: one that fails on a
/// connection it opened itself (refused, reset by a dying process) is a failure like any other. The client counts resends.
/// Hand-written: no library decides by whether the connection was new (Polly would only be the loop around it).
/// </summary>
public sealed class ResendOnClosedIdleConnection : DelegatingHandler
{
    private readonly ConditionalWeakTable<HttpRequestMessage, object> openedConnection = [];
    private int resent;

    public ResendOnClosedIdleConnection()
    {
        InnerHandler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                // One request at a time per client in the tests' loops, so the request that opened a connection is the one sent on it.
                openedConnection.AddOrUpdate(context.InitialRequestMessage, this);
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
    }

    /// <summary>How many requests were sent a second time because their reused connection closed before any answer.</summary>
    public int Resent => Volatile.Read(ref resent);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException) when (IsIdempotent(request.Method) && !openedConnection.TryGetValue(request, out _) && !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref resent);
            return await base.SendAsync(request, cancellationToken);
        }
    }

    private static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Put || method == HttpMethod.Delete;
}
