namespace Autopilot.Silo;

/// <summary>
/// A silo's lifeline: <c>GET /silo/lifeline</c> on the silo's own HTTP port answers with the silo's address (its generation
/// included) on one line, then holds the answer open for as long as the process runs. When the host stops (SIGTERM) it
/// writes <see cref="Goodbye"/> and ends the answer. An answer that ends without it was ended by the kernel, which closes a
/// process's sockets when the process ends without stopping (killed, crashed, ended by the out-of-memory killer):
/// <see cref="LifelineWatch"/> reads every peer's lifeline and acts on that. A cut, a pause or a busy process ends no
/// answer (the rules drop packets; a frozen process's kernel keeps its sockets), so they stay with Orleans' probes.
/// </summary>
public static class Lifeline
{
    public const string Path = "/silo/lifeline";

    /// <summary>The line a stopping silo writes before it ends its lifeline.</summary>
    public const string Goodbye = "bye";

    public static WebApplication MapLifeline(this WebApplication app)
    {
        app.MapGet(Path, Serve).ExcludeFromDescription();
        return app;
    }

    private static async Task Serve(HttpContext context, ILocalSiloDetails silo, IHostApplicationLifetime lifetime)
    {
        var aborted = context.RequestAborted;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        try
        {
            // Kestrel ends an answer for its minimum data rate only while data waits to be sent: an idle one stays open.
            await context.Response.WriteAsync(silo.SiloAddress.ToParsableString() + "\n", aborted);
            await context.Response.Body.FlushAsync(aborted);
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping, aborted);
            await Task.Delay(Timeout.InfiniteTimeSpan, stopping.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!aborted.IsCancellationRequested)
            {
                await context.Response.WriteAsync(Goodbye + "\n", aborted);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && aborted.IsCancellationRequested)
        {
            // The reader went away (its silo stopped watching this one).
        }
    }
}
