namespace Autopilot.Gateway;

/// <summary>
/// Once the gateway stops, each HTTP/1.x answer closes its connection (<c>Connection: close</c>). A stopping gateway keeps
/// answering for <see cref="Hosting.Deadlines.GatewayDrain"/> while the edge drops it; a keep-alive connection that nginx
/// still holds when Kestrel then closes it idle could meet a write nginx sends at that moment, whose outcome nginx cannot
/// know (a 502 it must not resend). Closed by the gateway right after an answer instead, a connection is never reused, and
/// a request that comes after Kestrel stopped listening is refused before it was sent, which nginx resends elsewhere.
/// </summary>
internal static class DrainingConnections
{
    public static WebApplication CloseConnectionsWhileStopping(this WebApplication app)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        app.Use((context, next) =>
        {
            if (stopping.IsCancellationRequested && (HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol)))
            {
                context.Response.Headers.Connection = "close";
            }

            return next(context);
        });
        return app;
    }
}
